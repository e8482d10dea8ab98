"""The plan a template sees: plain data (dicts, lists, strings) built from a flow, a result and the
answers file. Everything here is described in the README for template authors."""

from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..flow.answers import AnswersFile
from ..flow.engine import Result
from ..flow.model import Flow, Level, Question, Section
from .escape import anchor
from .register import public_answers, register_table
from .summary import first_of_each, summary_of

ACTION_KINDS = ("find_out", "to_unlock", "do")
# A warning longer than this many words is said in the plan's body by its point (its first sentence) and whom it
# is about, and in full, with its references and its source, in the appendix ("The warnings in full"): the
# longest, such as a likely bidder helping to design the work under the Procurement Act 2023, ran to 170 words
# beside the register and put the board's plan over its 1,200 words. A shorter one is said whole where it is.
IN_FULL_WORDS = 40

class _Terms:
    """Finds the abbreviations a flow declares (`terms:`) in a text, to spell each out once near the top
    of any plan that uses it."""

    def __init__(self, flow: Flow):
        self.terms = tuple(t for t in flow.terms if t.term)
        self.words = tuple(t.term for t in self.terms)
        self.pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(t.term) for t in self.terms) + r")(?!\w)") \
            if self.terms else None

    def __call__(self, text: str | None) -> set[str]:
        # most text holds none of the terms: a plain search for each rules that out before the whole-word match
        if not text or self.pattern is None or not any(map(text.__contains__, self.words)):
            return set()
        return set(self.pattern.findall(text))


def build(flow: Flow, result: Result, meta: AnswersFile | None = None, *, public: bool = False,
          engine: bool = True) -> dict[str, Any]:
    """The context of the plan templates. `engine`: with `result`, the engine's result as plain data, which the
    JSON export and a person's templates may read and ours never do (without it, a twentieth less to make)."""
    return _Plan(flow, result, meta, public).context(engine)


def listed_steps(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The steps in the order the plan numbers them, from a context `build` made: the summary's next five,
    then the rest, those of the answers holding the recommendation back first (what JSON, plain mode and any
    view that counts steps say, so that every format says the same)."""
    rest = [a for q in data["held_back"] for a in q["actions"]] + [a for kind in data["actions"].values() for a in kind]
    return first_of_each([*data["summary"]["next"], *rest])


class _Plan:
    def __init__(self, flow: Flow, result: Result, meta: AnswersFile | None, public: bool):
        self.flow, self.result, self.public = flow, result, public
        self.meta = meta or AnswersFile(flow.id, result.answers)
        self.date = self.meta.date or _dt.date.today().isoformat()
        self.active = result.answers
        self.path = result.path
        self.asked = {q.id for q in self.path}
        self.facts = _facts(flow)
        self.decision = flow.recommendation_reads
        self.held = {item.question for item in result.held_back}
        # one voice: nothing in the plan argues for a level above what the work calls for
        self.ceiling = flow.rank(result.calls_for.id) if result.calls_for is not None else None
        self.confirming = {item.question for item in result.to_confirm}
        self.planned = [a for a in result.planned_actions if self.serves(a)]
        self._questions: dict[str, dict[str, Any]] = {}
        self._flags: dict[int, tuple[Any, dict[str, Any]]] = {}

    # -- pieces -------------------------------------------------------------------------------------

    def within(self, level_id: str | None) -> bool:
        """Whether a level is at or below what the work calls for (every level is, before that is known)."""
        return level_id is not None and (self.ceiling is None or self.flow.rank(level_id) <= self.ceiling)

    def capped(self, level_id: str | None) -> Level | None:
        """A level, or what the work calls for when that is lower: "enough for Co-produce" in a plan whose
        work calls for Co-design says only "enough for Co-design"."""
        if level_id is None:
            return None
        return self.flow.level(level_id) if self.within(level_id) else self.result.calls_for

    def serves(self, action: Any) -> bool:
        """Whether a step belongs in this plan. A step to find out or put right an answer that falls short of
        some level's requirement is for the lowest such level: it is left out when every level it falls short
        of is above what the work calls for (no "before you call it co-production" in a plan for co-design).
        A step that follows from an answer deciding what the work calls for is left out when no other answer
        to it would change that (delivery plans in work that calls for consultation), unless it is one to
        confirm. Any other step stays."""
        if self.ceiling is None:
            return True
        flow, active, confirming = self.flow, self.active, self.confirming
        for question in action.questions:
            requirements = self.facts.requirements.get(question, ())
            failing = [r for r in requirements if not r.met(active)]
            if question in confirming:
                return True
            if requirements and action.kind != "do":
                if not failing or any(self.within(r.level) for r in failing):
                    return True
            elif question in flow.calls_for_reads and not requirements:
                if self.what_ifs(question):
                    return True
            else:
                return True
        return False

    def what_ifs(self, question_id: str) -> tuple[Any, ...]:
        reason = next((r for r in self.result.why if r.question == question_id), None)
        return reason.what_ifs or () if reason is not None else ()

    def level(self, level: Level | None) -> dict[str, str] | None:
        if level is None:
            return None
        return {"id": level.id, "label": level.label or level.id, "summary": level.summary}

    def citation(self, cite: str) -> dict[str, Any] | None:
        """A `cite` of the flow ("r5-a2-1 (a)") with its source's title and address (a fresh copy each time,
        so that callers may mark it)."""
        found = self.facts.citation(cite)
        return dict(found) if found else None

    def labels(self, question: Question, values: Any) -> list[str]:
        label = self.facts.label
        return [label(question, value) for value in values]

    def answer_label(self, question: Question) -> str:
        value = self.active.get(question.id)
        return "" if value is None else self.facts.label(question, value)

    def question(self, question: Question) -> dict[str, Any]:
        """What a template needs to show a question and its answer (a fresh copy each time, so that
        callers may add to it)."""
        known = self._questions.get(question.id)
        if known is None:
            known = self._questions[question.id] = self._question(question)
        citation = known["citation"]
        return dict(known, citation=dict(citation)) if citation else dict(known)

    def _question(self, question: Question) -> dict[str, Any]:
        # what the flow says of the question, then its answer (for most answers, worked out once per flow)
        return self.facts.question(question, self.active.get(question.id))

    # -- the recommendation and why -----------------------------------------------------------------

    def ladder(self) -> list[dict[str, Any]]:
        # `above`: a level above what the work calls for, which the plan names but never argues for
        return [dict(self.level(rung.level) or {}, recommended=rung.recommended, called_for=rung.called_for,
                     supported=rung.supported, above=not self.within(rung.level.id)) for rung in self.result.ladder]

    def why(self) -> list[dict[str, Any]]:
        """The engine's reasons that bear on this work, each with its question and its effects in words, in
        one voice: an answer is "enough for" at most the level the work calls for, a level above that is
        never named, and a question whose requirements are all for higher levels and whose answer changes
        nothing here is left out."""
        flow, items = self.flow, []
        for reason in self.result.why:
            question = flow.question(reason.question)
            item = self.question(question)
            allows, what_ifs = reason.allows, reason.what_ifs
            item["held_back"] = reason.held_back
            below = [r for r in self.facts.requirements.get(question.id, ()) if self.within(r.level)]
            item["requirement"] = None if allows is None or not below else {
                "enough_for": self.level(self.capped(allows.enough_for)),
                "needs": {"level": self.level(flow.level(allows.next_level)),
                          "labels": self.labels(question, allows.next_accepts)}
                if allows.next_level and self.within(allows.next_level) else None}
            item["calls_for_effect"] = None if not what_ifs else {
                "level": self.level(self.result.calls_for),
                # what another answer would call for, when it is no higher than what this work calls for;
                # `caps` when only a higher one would: this answer keeps the work where it is
                "changes": [{"level": self.level(flow.level(w.level)), "labels": self.labels(question, w.answers)}
                            for w in what_ifs if self.within(w.level)],
                "caps": not any(self.within(w.level) for w in what_ifs)}
            if reason.allows is None and reason.what_ifs is None:  # not answered yet: still said
                items.append(item)
            elif item["requirement"] or item["calls_for_effect"]:
                items.append(item)
        for item in items:  # the section, short: the source's full title is in the appendix
            if item["citation"]:
                item["citation"]["first"] = False
        return items

    def why_we_ask(self, why: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The guidance of each question in `why`, said once, in the appendix: the plan's reasons give the
        answer and its effect, not the guidance again."""
        items, cited = [], set()
        for reason in why:
            question = self.flow.question(reason["id"])
            if not question.guidance:
                continue
            citation = self.citation(question.cite)
            if citation:  # the full title the first time a source is cited, the short one after
                citation["first"] = citation["id"] not in cited
                cited.add(citation["id"])
            items.append({"id": question.id, "number": self.flow.number(question.id), "prompt": question.prompt,
                          "guidance": question.guidance, "citation": citation})
        return items

    def held_back(self) -> list[dict[str, Any]]:
        """The answers keeping the conditions below what the work calls for, and what each would need."""
        flow, items = self.flow, []
        for held in self.result.held_back:
            question = flow.question(held.question)
            item = self.question(question)
            item.update(
                needs=self.labels(question, held.needs),
                because=list(held.because),
                citations=[c for c in map(self.citation, held.cites) if c],
                unlocks=self.level(flow.level(held.unlocks)) if held.unlocks else None,
                actions=[self.action(a) for a in self.planned
                         if _first_held(a.questions, self.held) == held.question])
            items.append(item)
        return items

    def first_step(self) -> dict[str, Any] | None:
        """When the recommendation is two or more levels below what the work calls for: the answers that
        alone hold it below the next level up, the first thing to change."""
        rung = self.result.next_rung
        if not self.result.first_step_apart or rung is None:
            return None
        items = []
        for step in self.result.first_step:
            question = self.flow.question(step.question)
            items.append(dict(self.question(question), needs=self.labels(question, step.needs)))
        return {"level": self.level(rung), "questions": items}

    def confirm(self) -> dict[str, Any] | None:
        """What "Not sure" answers would reach once confirmed, and each to find out: the engine's
        `if_confirmed` and `to_confirm`, in the words every view uses."""
        from ..flow.confirming import confirm_lead, confirm_needs

        lead = confirm_lead(self.result)
        if not lead:
            return None
        return {"lead": lead, "level": self.level(self.result.if_confirmed),
                "questions": [dict(self.question(self.flow.question(item.question)),
                                   confirm=confirm_needs(self.flow, item)) for item in self.result.to_confirm]}

    # -- actions ------------------------------------------------------------------------------------

    def action(self, action: Any) -> dict[str, Any]:
        """An action as the plan lists it (several that say the same thing are one), with the question, or
        the questions, that called for it."""
        questions = [self.flow.question(q) for q in action.questions]
        return {"kind": action.kind, "text": action.text, "question": questions[0].id,
                "prompt": questions[0].prompt, "answer_label": self.answer_label(questions[0]),
                "questions": [q.id for q in questions], "prompts": [q.prompt for q in questions],
                "numbers": [self.flow.number(q.id) for q in questions]}

    def actions(self) -> dict[str, list[dict[str, Any]]]:
        grouped: dict[str, list[dict[str, Any]]] = {kind: [] for kind in ACTION_KINDS}
        for action in self.planned:
            # those called for by an answer that holds the recommendation back are listed with it, under
            # what would have to change
            if _first_held(action.questions, self.held) is None:
                grouped.setdefault(action.kind, []).append(self.action(action))
        return grouped

    # -- the other sections -------------------------------------------------------------------------

    def parts(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The plan's opening paragraphs, and its parts: the sections that are not about the decision,
        grouped under the title of the flow they were included from."""
        flow = self.flow
        first_decision = self.facts.first_decision
        intro: list[dict[str, Any]] = []
        parts: list[dict[str, Any]] = []
        for index, section in enumerate(flow.sections):
            # a register shows even when its question was skipped ("none declared"), but not in a draft
            # where it simply has not been reached yet
            shown = [q for q in section.questions if (q.id in self.asked and q.id not in self.decision
                                                      and self.active.get(q.id) is not None)
                     or (q.kind == "record" and (self.result.complete or self.active.get(q.id) is not None))]
            if not shown:
                continue
            if first_decision is not None and index < first_decision and all(q.kind == "text" for q in shown):
                intro += [{"title": section.title, "text": self.active[q.id], "prompt": q.prompt} for q in shown]
                continue
            entry = {"id": section.id, "title": section.title, "anchor": anchor(section.title),
                     "blocks": self.blocks(section, shown), "flags": []}
            title = None if section.origin in ("", flow.id) else _included_title(section)
            if parts and parts[-1]["origin"] == section.origin and parts[-1]["title"] == title:
                parts[-1]["sections"].append(entry)
            else:
                parts.append({"title": title, "anchor": anchor(title) if title else "",
                              "origin": section.origin, "sections": [entry]})
        return intro, parts

    def blocks(self, section: Section, shown: list[Question]) -> list[dict[str, Any]]:
        blocks: list[dict[str, Any]] = []
        for question in shown:
            item = self.question(question)
            if question.kind == "yes_partly_no_unsure":
                item["done"] = self.active.get(question.id) == "yes"
                if blocks and blocks[-1]["type"] == "checklist":
                    blocks[-1]["questions"].append(item)
                else:
                    blocks.append({"type": "checklist", "questions": [item],
                                   "after_list": bool(blocks) and blocks[-1]["type"] == "choices"})
            elif question.kind == "multiple":
                item["type"] = "choices"  # the question's own copy, as below
                blocks.append(item)
            elif question.kind == "text":
                item.update(type="text", alone=len(section.questions) == 1)
                blocks.append(item)
            elif question.kind == "record":
                item.update(type="register", register=self.register(question))
                blocks.append(item)
            else:
                item["type"] = "answer"
                blocks.append(item)
        return blocks

    def register(self, question: Question) -> dict[str, Any]:
        return register_table(question, self.active.get(question.id) or [], public=self.public, as_of=self.date)

    def place_flags(self, parts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Put each raised flag in the section of the first question it reads; return the rest."""
        sections = {s["id"]: s for part in parts for s in part["sections"]}
        elsewhere = []
        for raised in self.result.flags:
            read = self.facts.flag_questions.get(raised.id)
            home = self.flow.question(read[0]).section_id if read else None
            entry = self.flag(raised)
            if home in sections:
                sections[home]["flags"].append(entry)
            else:
                elsewhere.append(entry)
        for section in sections.values():
            section["checks"] = checks(section["flags"])
        return elsewhere

    def flag(self, raised: Any) -> dict[str, Any]:
        """A raised flag, with whom it is about when it concerns register entries (without names in the
        public version): worked out once a plan, a fresh copy each time (its section's and the plan's list)."""
        known = self._flags.get(id(raised))
        if known is None or known[0] is not raised:
            known = self._flags[id(raised)] = (raised, self._flag(raised))
        entry = known[1]
        return dict(entry, about=list(entry["about"]),
                    citation=dict(entry["citation"]) if entry["citation"] else None)

    def _flag(self, raised: Any) -> dict[str, Any]:
        from ..flow.about import about_sentence, flag_about

        about = flag_about(self.flow, self.active, raised, public=self.public)
        sentence = about_sentence(about)
        line, brief = self.facts.point(raised.text)
        return {"id": raised.id, "text": f"{raised.text} {sentence}" if sentence else raised.text,
                "line": f"{line} {sentence}" if sentence else line,
                "questions": self.facts.flag_questions.get(raised.id, []),  # whose answers raise it: not to be changed
                "about": about, "citation": self.citation(raised.cite), "point": line, "about_line": sentence,
                "brief": brief}

    # -- the appendix -------------------------------------------------------------------------------

    def appendix(self, parts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        registers = {b["id"]: s for part in parts for s in part["sections"] for b in s["blocks"]
                     if b["type"] == "register"}
        groups: list[dict[str, Any]] = []
        for question in self.path:
            item = self.question(question)  # a copy of its own
            title = item["section"]  # its section's title
            if not groups or groups[-1]["title"] != title:
                groups.append({"title": title, "questions": []})
            item["see"] = None
            value = self.active.get(question.id)
            item["answer_text"] = ("Not answered" if question.id not in self.active else "Skipped" if value is None
                                   else value if question.kind == "text" else item["answer_label"])
            if question.kind == "record" and question.id in registers:
                item["see"] = {"title": registers[question.id]["title"],
                               "anchor": registers[question.id]["anchor"]}
            groups[-1]["questions"].append(item)
        return groups

    def path_taken(self) -> list[dict[str, Any]]:
        """The sections asked, in order: in a draft, only those with an answer so far."""
        complete = self.result.complete
        return [{"id": taken.section, "title": self.flow.section(taken.section).title,
                 "asked": taken.asked if complete else taken.answered}
                for taken in self.result.sections if complete or taken.answered]

    def set_aside(self) -> list[dict[str, Any]]:
        out = []
        for question_id, value in self.result.set_aside.items():
            if not self.flow.has_question(question_id):
                continue
            question = self.flow.question(question_id)
            out.append({"id": question_id, "prompt": question.prompt, "answer_label": question.label(value)})
        return out

    def terms(self) -> list[dict[str, str]]:
        """The abbreviations that appear in what the plan shows: the flow's words on the path (worked
        out once per flow), and what people typed."""
        facts, found = self.facts, set()
        _terms_in = facts.terms_in
        for question in self.path:
            found |= facts.question_terms[question.id]
            value = self.active.get(question.id)
            if question.kind == "multiple":
                found |= facts.option_terms[question.id]
            elif question.kind in ("single", "yes_partly_no_unsure") and value is not None:
                found |= facts.label_terms(question, value)
            elif isinstance(value, str):
                found |= _terms_in(value)
            elif isinstance(value, list):
                found |= _terms_in(" ".join([v if type(v) is str else str(v) for item in value if isinstance(item, dict)
                                             for v in item.values()]))
        for text in (*(a.text for a in self.planned), *(f.text for f in self.result.flags),
                     *(s.title for s in self.flow.sources[:1])):
            found |= facts.fixed_terms(text)
        for text in (self.meta.project, self.meta.prepared_by):
            found |= _terms_in(text)
        return [{"term": t.term, "meaning": t.meaning} for t in facts.terms_in.terms if t.term in found]

    # -- all together -------------------------------------------------------------------------------

    def floor(self) -> dict[str, Any] | None:
        """A floor that raised the recommendation (a duty to consult): why, the level it sets, and the answers
        that would otherwise have allowed only a lower one."""
        result = self.result
        if not result.floored or result.floor is None:
            return None
        held = [self.flow.question(q).prompt for q in result.held_back_by]
        return {"because": result.floor.because, "level": self.level(self.flow.level(result.floor.level)),
                "held": held, "citation": self.citation(result.floor.cite)}

    def drawn_from(self) -> dict[str, Any]:
        """The flow and the answers the plan was drawn from, by fingerprint, for `codesign verify`; the answers'
        fingerprint is left out of the public version."""
        from ..flow.versions import fingerprint

        flow = self.flow
        return {"flow": flow.id, "version": flow.version, "flow_fingerprint": fingerprint(flow),
                "answers_fingerprint": None if self.public else self.result.answers_fingerprint}

    def context(self, engine: bool = True) -> dict[str, Any]:
        flow, result = self.flow, self.result
        intro, parts = self.parts()
        elsewhere = self.place_flags(parts)
        rule = result.calls_for_rule
        why = self.why()
        answers = public_answers(flow, result.answers) if self.public else result.answers
        flags = [self.flag(f) for f in result.flags]
        plan = {
            "flow": {"id": flow.id, "title": flow.title, "version": flow.version, "summary": flow.summary,
                     "audience": flow.audience,
                     "wording": {"calls_for": flow.calls_for_words, "supports": flow.supports_words},
                     "levels": [self.level(level) for level in flow.levels],
                     "sources": [{"id": s.id, "title": s.title, "url": s.url} for s in flow.sources],
                     "reading": [{"title": r.title, "url": r.url, "about": r.about} for r in flow.reading]},
            "project": self.meta.project,
            "prepared_by": self.meta.prepared_by,
            "voice": self.meta.voice,
            "example": self.meta.example,  # the worked example the answers began from, if any
            "date": self.date,
            "public": self.public,
            "narrow": False,  # render_markdown(narrow=True): for a small screen, lists for wide tables
            "on_screen": False,  # render_markdown(on_screen=True): for the app's viewer, which draws no Mermaid
            "complete": result.complete,
            "unanswered": [flow.question(q).prompt for q in result.unanswered],
            "pending": [flow.question(q).prompt for q in result.pending],
            "intro": intro,
            "recommendation": dict(self.level(result.recommendation) or {}, summary=result.level_summary)
            if result.recommendation else None,
            "confirm": self.confirm(),
            "floor": self.floor(),
            "calls_for": self.level(result.calls_for),
            "supported": self.level(result.supported),
            "rule": {"id": rule.id, "because": rule.because, "citation": self.citation(rule.cite)} if rule else None,
            "conditions": result.conditions,
            "ladder": self.ladder(),
            "why": why,
            "why_we_ask": self.why_we_ask(why),
            "held_back": self.held_back(),
            "unlocks_all": self.level(result.unlocks_all),
            "first_step": self.first_step(),
            "actions": self.actions(),
            "flags": flags,
            "flags_elsewhere": elsewhere,
            "checks_elsewhere": checks(elsewhere),
            "flags_in_full": [f for f in flags if f["brief"]],
            "parts": parts,
            "terms": self.terms(),
            "ticks": any(b["type"] == "checklist" for part in parts for s in part["sections"] for b in s["blocks"]),
            "appendix": self.appendix(parts),
            "path": self.path_taken(),
            "set_aside": self.set_aside(),
            "answers": answers,
            "drawn_from": self.drawn_from(),
        }
        if engine:
            data = result.to_dict()
            data["answers"] = answers
            if self.public:
                data["set_aside"] = public_answers(flow, result.set_aside)
            data["flags"] = [dict(raised, text=shown["text"], about=shown["about"])
                             for raised, shown in zip(data["flags"], flags)]
            plan["result"] = data
        plan["summary"] = summary_of(plan)
        return plan


# "Recommendation 5, Appendix 2.1" -> "Appendix 2.1"; "GM VCSE Commissioning Framework, Recommendation 5" ->
# "Recommendation 5"
_PART = re.compile(r"^.*, (?=(?:Appendix|Recommendation) )")


# where a question's prompt goes on to explain itself: ", or is most of it already decided?"
_ASIDE = re.compile(r",\s+(?:or (?:is|are|put|do|does|will)|such as|rather than|not only|without)\s+[^?]*\?$")


def short_prompt(prompt: str) -> str:
    """A question's prompt without its closing aside ("Will people also help deliver and evaluate the work?"
    for "…, not only design it?"): the plan's reasons and summary name a question so, and the appendix gives
    it whole. The prompt as it is when nothing of four words or more would be left."""
    cut = _ASIDE.sub("?", prompt.strip())
    return cut if cut != prompt.strip() and len(cut.split()) >= 4 else prompt


def checks(flags: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Warnings as the plan's body says them: a long one (`brief`) by its point, those about the same register
    entries together under one "About: …" (two warnings about one likely bidder are one item), each item
    pointing to the appendix for the whole text; a short one whole, as it is."""
    items: list[dict[str, Any]] = []
    together: dict[str, dict[str, Any]] = {}
    for flag in flags:
        if not flag["brief"]:
            items.append({"text": flag["text"], "points": []})
            continue
        key = flag["about_line"]
        if key and key in together:
            together[key]["points"].append(flag["point"])
            continue
        item = {"text": "", "points": [flag["point"]], "about_line": key}
        items.append(item)
        if key:
            together[key] = item
    return items


def _first_sentence(text: str) -> str:
    """A warning's first sentence: its point, for a line in the summary."""
    found = re.search(r"(?<=[.!?])\s+(?=[A-Z])", text)
    return text[:found.start()] if found else text


def _first_held(questions: tuple[str, ...], held: set[str]) -> str | None:
    return next((q for q in questions if q in held), None)


class _Facts:
    """What the plan needs to know about a flow whatever the answers, worked out once per flow."""

    def __init__(self, flow: Flow):
        self._flow = flow
        # the questions each warning reads (the names in its condition that are questions), in order
        self.flag_questions = {f.id: [n for n in f.when.expression.names if flow.has_question(n)] for f in flow.flags}
        self.terms_in = _terms_in = _Terms(flow)
        self.question_terms = {q.id: _terms_in(f"{q.prompt}\n{q.guidance}") | _terms_in(flow.title)
                               for q in flow.questions}
        self.option_terms = {q.id: _terms_in("\n".join(o.label for o in q.options)) for q in flow.questions}
        # the first section with a question the recommendation reads
        self.first_decision = next((i for i, s in enumerate(flow.sections)
                                    if any(q.id in flow.recommendation_reads for q in s.questions)), None)
        self.requirements: dict[str, list[Any]] = {}
        for requirement in flow.requirements:
            self.requirements.setdefault(requirement.question, []).append(requirement)
        self._citations: dict[str, dict[str, Any] | None] = {}
        # a question as the plan shows it, before its answer (the citation a fresh copy each plan: see question())
        self.questions = {q.id: {
            "id": q.id, "prompt": q.prompt, "short": short_prompt(q.prompt), "kind": q.kind,
            "number": flow.number(q.id),  # as the app, plain mode and the room number it
            "section": flow.section(q.section_id).title,
            "guidance": q.guidance, "citation": self.citation(q.cite)} for q in flow.questions}
        self.options = {q.id: tuple((o.value, o.label, o.explanation) for o in q.options) for q in flow.questions}
        self._values = {q.id: frozenset(o.value for o in q.options) for q in flow.questions}
        self._chosen: dict[tuple[str, Any], list[dict[str, Any]]] = {}
        # the label of each option's value, as Question.label gives it: asked of a few dozen answers a plan
        self._labels = {(q.id, o.value): q.label(o.value) for q in flow.questions
                        if q.kind in ("single", "yes_partly_no_unsure") for o in q.options}
        self._label_terms = {key: _terms_in(label) for key, label in self._labels.items()}
        # and of each option of a question that takes several, for a list of them
        self._each_label = {(q.id, o.value): q.label(o.value) for q in flow.questions if q.kind == "multiple"
                            for o in q.options}
        # a question with its answer, for no answer or one of its options: worked out once per flow (see question())
        self._answered: dict[tuple[str, Any], dict[str, Any]] = {}
        self._fixed_terms: dict[str, set[str]] = {}
        self._points: dict[str, tuple[str, bool]] = {}

    def label(self, question: Question, value: Any) -> str:
        """An answer's label (Question.label, the one labeller), looked up when it is one of the options, or a
        list of them."""
        if type(value) is str:
            known = self._labels.get((question.id, value))
            if known is not None:
                return known
        elif type(value) is list and question.kind == "multiple":
            # as Question.label says a list: each option's label, a semicolon between
            each, qid = self._each_label, question.id
            labels = [each.get((qid, v)) if type(v) is str else None for v in value]
            if None not in labels:
                return "; ".join(labels) or "None chosen"  # type: ignore[arg-type]
        return question.label(value)

    def shared(self, question: Question, value: Any) -> tuple[str, Any] | None:
        """The key under which what a plan shows of `question` answered `value` is worked out once per flow and
        shared by every plan: for no answer or one of its options (most answers); None for any other answer."""
        return (question.id, value) if value is None or (type(value) is str and value in self._values[question.id]) \
            else None

    def question(self, question: Question, value: Any) -> dict[str, Any]:
        """What a template needs to show a question and its answer `value`. For no answer or one of the options
        (most answers), worked out once per flow and shared by every plan: not to be changed (_Plan.question
        copies it)."""
        key = self.shared(question, value)
        if key is not None:
            known = self._answered.get(key)
            if known is not None:
                return known
        answered = dict(self.questions[question.id], answered=value is not None, answer=value,
                        answer_label="" if value is None else self.label(question, value),
                        options=self.chosen(question, value))
        if key is not None:
            self._answered[key] = answered
        return answered

    def point(self, text: str) -> tuple[str, bool]:
        """A warning's point (its first sentence), and whether the plan's body says it by its point alone (`brief`:
        longer than IN_FULL_WORDS), for a warning's text of the flow's own, worked out once."""
        known = self._points.get(text)
        if known is None:
            if len(self._points) > 4096:  # a flow's warnings are some dozens; never more than this
                self._points.clear()
            line = _first_sentence(text)
            known = self._points[text] = (line, line != text and len(text.split()) > IN_FULL_WORDS)
        return known

    def fixed_terms(self, text: str) -> set[str]:
        """The abbreviations in a text of the flow's own (a step's or a warning's); not to be changed."""
        known = self._fixed_terms.get(text)
        if known is None:
            if len(self._fixed_terms) > 4096:  # a flow's texts are a few hundred; never more than this
                self._fixed_terms.clear()
            known = self._fixed_terms[text] = self.terms_in(text)
        return known

    def chosen(self, question: Question, value: Any) -> list[dict[str, Any]]:
        """A question's options as the plan shows them, each marked `chosen` or not for this answer. For no answer
        or one of the options (most answers), worked out once per flow and shared by every plan, as the copies of
        a question in one plan share it: not to be changed."""
        key = self.shared(question, value)
        if key is not None:
            known = self._chosen.get(key)
            if known is not None:
                return known
        many: Any = value if isinstance(value, list) else ()
        options = [{"value": v, "label": label, "explanation": explanation, "chosen": value == v or v in many}
                   for v, label, explanation in self.options[question.id]]
        if key is not None:
            self._chosen[key] = options
        return options

    def label_terms(self, question: Question, value: Any) -> set[str]:
        """The abbreviations in an answer's label (worked out once per option); not to be changed."""
        if type(value) is str:
            known = self._label_terms.get((question.id, value))
            if known is not None:
                return known
        return self.terms_in(question.label(value))

    def citation(self, cite: str) -> dict[str, Any] | None:
        """A `cite` of the flow ("r5-a2-1 (a)") with its source's title and address; not to be changed."""
        if cite not in self._citations:
            self._citations[cite] = self._citation(cite)
        return self._citations[cite]

    def _citation(self, cite: str) -> dict[str, Any] | None:
        if not cite:
            return None
        source_id, _, detail = cite.partition(" ")
        source = self._flow.source(source_id)
        title = source.title if source else source_id
        short = title.partition(": ")[0]
        return {"id": source_id, "title": title, "short_title": short, "first": True,
                "url": source.url if source else "", "detail": detail.strip().strip("()").strip(),
                # "Appendix 2.1", for "our reading of Appendix 2.1 (d)": the part a reader looks up
                "reading": _PART.sub("", short)}


_FACTS: dict[int, tuple[Flow, _Facts]] = {}


def _facts(flow: Flow) -> _Facts:
    known = _FACTS.get(id(flow))
    if known is not None and known[0] is flow:
        return known[1]
    if len(_FACTS) > 32:
        _FACTS.clear()
    facts = _Facts(flow)
    _FACTS[id(flow)] = (flow, facts)
    return facts


def _included_title(section: Section) -> str | None:
    path = section.place.path
    return _flow_title(path) if path and not path.startswith("<") else None


_TITLE = re.compile(r"^title:[ \t]*(.+?)[ \t]*$", re.MULTILINE)


@lru_cache(maxsize=32)
def _flow_title(path: str) -> str | None:
    """The title of the flow file a section was included from. The model keeps only its id, so read
    the file's top-level `title:` line (once per file per process)."""
    import yaml

    try:
        from ..flow.document import MAX_BYTES, Unreadable, read_regular_file

        found = _TITLE.search(read_regular_file(Path(path), MAX_BYTES).decode("utf-8"))
        title = yaml.load(found.group(1), Loader=getattr(yaml, "CBaseLoader", yaml.BaseLoader)) if found else None
    except (Unreadable, UnicodeDecodeError, yaml.YAMLError):
        return None
    return title.strip() if isinstance(title, str) and title.strip() else None


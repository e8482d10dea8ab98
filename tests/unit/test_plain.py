"""The plain line-by-line conversation: typed replies, going back, stopping, and the files it leaves."""

from __future__ import annotations

import io
from pathlib import Path

import yaml

from codesign_tui.plain import converse
from codesign_tui.sessions import SessionStore

ROOT = Path(__file__).resolve().parents[2]


NO_NAMES = ["", ""]  # a new session first asks what the plan is called and who prepares it: left blank


def talk(flow, replies: list[str], folder: Path) -> tuple[int, str]:
    out = io.StringIO()
    code = converse(flow, io.StringIO("".join(r + "\n" for r in NO_NAMES + replies)), out, folder)
    return code, out.getvalue()


def saved_answers(folder: Path) -> dict:
    """The one saved session in the data folder (the folder argument is where plans go)."""
    import os

    [path] = (Path(os.environ["CODESIGN_DATA_DIR"]) / "sessions").glob("*.session.yaml")
    assert path.stat().st_mode & 0o777 == 0o600
    return yaml.safe_load(path.read_text())


def test_typed_replies_as_a_person_types_them(appendix2, tmp_path):
    replies = ["y", "wicked", "Partly", "2", "YES", "not sure", "1", "partly", ""]  # Enter saves the plan
    code, out = talk(appendix2, replies, tmp_path)
    assert code == 0, out
    answers = saved_answers(tmp_path)["answers"]
    assert answers == {"space_to_shape": "yes", "problem_type": "wicked", "time_for_relationships": "partly",
                       "budget": "partly", "senior_buy_in": "yes", "learning_culture": "unsure",
                       "shared_delivery": "yes", "shared_power": "partly"}
    # policy version 3: a culture not known holds co-design back; plain mode says what confirming it reaches
    assert "Recommendation: Consult." in out
    assert "Consult for now; Co-design if all of these are confirmed." in out
    [plan] = tmp_path.glob("appendix2-20*.md")
    assert "Consult for now; Co-design if all of these are confirmed." in plan.read_text()


def test_help_and_unknown_replies_do_not_answer(appendix2, tmp_path):
    code, out = talk(appendix2, ["?", "maybe", "", "no"], tmp_path)
    assert "Why we ask:" in out
    assert "that is not one of the answers" in out
    assert "This one needs an answer" in out
    assert saved_answers(tmp_path)["answers"] == {"space_to_shape": "no"}
    assert code == 1 and "Input ended with 1 of 8 questions answered" in out
    assert "codesign --plain --resume" in out


def test_back_then_change_an_answer(appendix2, tmp_path):
    replies = ["yes", "wicked", "back", "back", "no", "", "yes", "yes", "yes", "yes", "yes", "yes"]
    code, out = talk(appendix2, replies, tmp_path)
    assert code == 0, out
    answers = saved_answers(tmp_path)["answers"]
    assert answers["space_to_shape"] == "no" and answers["problem_type"] == "wicked"
    assert "Your answer was: A hard problem" in out
    assert "Recommendation: Consult." in out


def test_quit_keeps_the_answers_and_says_how_to_go_on(appendix2, tmp_path):
    code, out = talk(appendix2, ["yes", "quit"], tmp_path)
    assert code == 0
    assert saved_answers(tmp_path)["answers"] == {"space_to_shape": "yes"}
    assert "codesign --plain --resume" in out


def test_register_of_interests_and_branch(conflicts, tmp_path):
    # version 2.1: after the handling, whether they may bid, the date, whether it is published, why not, a
    # note, who agreed the handling and the review dates (all optional)
    replies = ["1", "yes", "1, 2, 3, 4, 5", "yes",
               "yes", "Sam Jones", "Trustee", "Example CVS", "1", "Trustee of a bidder", "withdraw", "yes",
               "2026-10-01", "1", "", "", "Chair", "", "",
               "yes", "Jo", "Parent", "Forum", "indirect", "Partner works for a bidder", "1", "", "", "", "", "", "",
               "", "",
               "no"]
    code, out = talk(conflicts, replies + ["1"] * 6 + [""] * 4, tmp_path)
    answers = saved_answers(tmp_path)["answers"]
    assert [i["name"] for i in answers["interests"]] == ["Sam Jones", "Jo"]
    assert answers["interests"][0]["management"] == "withdraw_from_item"
    assert answers["interests"][0]["declared_on"] == "2026-10-01"
    assert "declared_on" not in answers["interests"][1]
    assert answers["interests"][1]["interest_type"] == "indirect"
    assert answers["interests"][0]["may_bid"] == "yes" and answers["interests"][0]["publish"] == "yes"
    assert answers["interests"][0]["agreed_by"] == "Chair" and "publish" not in answers["interests"][1]


def test_the_plan_name_can_be_chosen_and_an_existing_file_is_kept(appendix2, tmp_path):
    (tmp_path / "mine.md").write_text("keep me")
    replies = ["no", "existing", "yes", "yes", "yes", "yes", "no", "no", "mine.md", "no"]
    code, out = talk(appendix2, replies, tmp_path)
    assert code == 0, out
    assert (tmp_path / "mine.md").read_text() == "keep me"
    assert "already exists" in out
    assert (tmp_path / "mine-2.md").exists()


def test_a_new_plan_asks_its_name_and_who_prepares_it(appendix2, tmp_path):
    out = io.StringIO()
    replies = ["Library review", "Jo Bloggs", "no", "existing", "yes", "yes", "yes", "yes", "no", "no", ""]
    code = converse(appendix2, io.StringIO("".join(r + "\n" for r in replies)), out, tmp_path)
    assert code == 0, out.getvalue()
    saved = saved_answers(tmp_path)
    assert (saved["project"], saved["prepared_by"]) == ("Library review", "Jo Bloggs")
    [plan] = tmp_path.glob("appendix2-library-review-*.md")
    assert "Library review" in plan.read_text() and "Jo Bloggs" in plan.read_text()


def test_plain_mode_says_once_when_the_recommendation_is_settled(appendix2, tmp_path):
    code, out = talk(appendix2, ["yes", "wicked", "yes", "no", "yes", "yes", "yes", "yes", ""], tmp_path)
    assert code == 0, out
    assert out.count("Settled: Consult.") == 1  # no money: consult, though the work calls for co-production
    assert "Held back by your answer to “Do you have money" in out
    # said after the answer that settled it, before the next question
    assert out.index("Settled:") < out.index("== Your result ==")
    assert "The first step" not in out  # the one answer held back is the first step too: said once


def test_plain_mode_names_the_first_step_when_several_answers_hold_it_back(appendix2, tmp_path):
    # leaders answer No: Inform, though the work calls for Co-produce and four answers fall short of it
    code, out = talk(appendix2, ["yes", "wicked", "yes", "partly", "no", "partly", "yes", "partly", ""], tmp_path)
    assert code == 0, out
    assert "Settled: Inform and check back." in out
    # the question, what it would need and what was said: not "change your answer to “question”"
    assert ("The first step, to reach Consult: your answer to “Are senior leaders committed to genuine"
            " involvement and to acting on what comes out of it” would need to be Yes, Partly or Not sure"
            " (you said No).") in out


def test_plain_mode_spells_out_an_abbreviation_the_first_time_only(engagement, tmp_path):
    [vcse] = [t for t in engagement.terms if t.term == "VCSE"]
    code, out = talk(engagement, ["", "1", "3", "1", "1", "1", "1", "1", "1", "1, 2", "1, 2", "quit"], tmp_path)
    first = out.index("VCSE")
    assert out[first:].startswith(f"VCSE ({vcse.meaning})")
    assert out.count(vcse.meaning) == 1 and out.count("VCSE") > 1


def test_a_register_field_explains_its_choices_and_answers_a_question_mark(conflicts, tmp_path):
    replies = ["1", "1", "1, 2, 3, 4, 5", "1", "yes", "Sam Jones", "Trustee", "Example CVS", "?", "1", "quit"]
    code, out = talk(conflicts, replies, tmp_path)
    financial = [f for f in conflicts.question("interests").fields if f.id == "interest_type"][0].option("financial")
    assert f"1  {financial.label} - {financial.explanation}" in out
    assert out.count(financial.explanation) == 2  # listed, then again for "?"


def test_plain_mode_shows_no_control_characters_of_its_own(appendix2, tmp_path):
    code, out = talk(appendix2, ["no", "existing", "yes", "yes", "yes", "yes", "no", "no", ""], tmp_path)
    assert code == 0, out
    assert "^J" not in out and "\nSave the plan as " in out


def test_on_a_terminal_plain_mode_wraps_between_words_at_its_width(appendix2, tmp_path, monkeypatch):
    """From a trial: at 80 columns the terminal cut words in two ("alre / ady decided?")."""
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setenv("COLUMNS", "40")
    out = Terminal()
    converse(appendix2, io.StringIO("\n\nquit\n"), out, tmp_path, store=SessionStore(tmp_path / "s"))
    lines = out.getvalue().splitlines()
    # every line fits, but for the prompts typed after and the command to copy, which stays whole
    assert lines and all(len(line) <= 40 for line in lines if "> " not in line and "codesign " not in line), lines
    words = out.getvalue().split()
    assert "decided?" in words and "alre" not in words  # wrapped between words
    piped = io.StringIO()  # piped, a line is left whole for a screen reader or a script
    converse(appendix2, io.StringIO("\n\nquit\n"), piped, tmp_path, store=SessionStore(tmp_path / "t"))
    assert any(len(line) > 40 for line in piped.getvalue().splitlines())


def test_on_a_terminal_a_question_asked_is_wrapped_between_words_too(appendix2, tmp_path, monkeypatch):
    """From a trial: at 80 columns the question before saving broke a word ("Press En / ter")."""
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.chdir(tmp_path)
    out = Terminal()
    replies = ["", "", "1", "3", "1", "1", "1", "1", "1", "1", "quit"]  # no names, then the 8 answers
    converse(appendix2, io.StringIO("\n".join(replies) + "\n"), out, tmp_path, store=SessionStore(tmp_path / "s"))
    text = out.getvalue()
    start = text.index("Save the plan as")
    asked = text[start:text.index(">", start) + 2]
    assert "\n" in asked and all(len(line) <= 40 for line in asked.splitlines()), asked
    assert "Press Enter, or type another" in " ".join(asked.split())  # whole words
    assert asked.endswith("> ")  # the reply is typed after the space, as before


def test_plain_mode_gives_a_name_typed_without_an_ending_the_plans_and_makes_a_folder_when_asked(appendix2, tmp_path):
    """From a trial: 'plain-plan' was saved with no .md ending."""
    store = SessionStore(tmp_path / "s")
    replies = ["", "", "1", "3", "1", "1", "1", "1", "1", "1", "new/plain-plan", "yes"]
    converse(appendix2, io.StringIO("\n".join(replies) + "\n"), io.StringIO(), tmp_path, store=store)
    assert (tmp_path / "new" / "plain-plan.md").read_text().startswith("# ")


def test_plain_mode_saves_plain_text_to_paste_when_the_name_ends_txt(appendix2, tmp_path):
    """Plain mode's save offer says how to get plain text, and a name ending .txt gives it: no Markdown, the
    steps numbered, the same steps as the Markdown plan and as many as plain mode counts."""
    store = SessionStore(tmp_path / "s")
    out = io.StringIO()
    replies = ["", "", "1", "3", "2", "2", "1", "1", "1", "1", "board-paper.txt"]  # time and money partly
    converse(appendix2, io.StringIO("\n".join(replies) + "\n"), out, tmp_path, store=store)
    said = " ".join(out.getvalue().split())
    assert "ending .txt for plain text to paste" in said
    text = (tmp_path / "board-paper.txt").read_text(encoding="utf-8")
    assert text.splitlines()[1].startswith("===") and "**" not in text and "](#" not in text
    steps = [line for line in text.splitlines() if line[:1].isdigit() and ". " in line[:4]]
    assert steps and [line.split(". ", 1)[0] for line in steps] == [str(n) for n in range(1, len(steps) + 1)]
    assert f"{len(steps)} step{'s' * (len(steps) != 1)} to take" in said

"""A released version's folder keeps the files its flow included as they were then: such a file, of another
version, is an include there and not a release of its own (issue 26: engagement-plan 3.0 keeps
conflicts-of-interest 2.0 in released/3.0/)."""

from __future__ import annotations

from codesign_tui.flow.loader import load_flow
from codesign_tui.flow.versions import released, released_versions
from codesign_tui.resources import flows_dir


def test_an_include_kept_beside_a_release_is_not_a_release_of_its_own():
    conflicts = load_flow(flows_dir() / "conflicts-of-interest.yaml")
    engagement = load_flow(flows_dir() / "engagement-plan.yaml")
    assert released_versions(conflicts) == ["2.0"]
    assert released(conflicts, "3.0") is None
    assert released_versions(engagement) == ["2.0", "3.0"]
    then = released(engagement, "3.0")
    assert then is not None and then.version == "3.0"
    # as released, its register still needed an organisation; now it may be left empty
    field = lambda flow: next(f for f in flow.question("interests").fields if f.id == "organisation")  # noqa: E731
    assert field(then).required and not field(engagement).required

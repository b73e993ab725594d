"""The lists behind the indicators: one registry, keyed by the indicator's code."""

from django.urls import NoReverseMatch, reverse

from chibo.core import indicators


def test_every_list_belongs_to_an_indicator_and_a_page():
    codes = {i.code for i in indicators.all_indicators()}
    lists = [indicators.list_for(code, view) for view in _views() for code in _codes(view)]
    assert lists, "the apps' lists.py are discovered at start-up"
    for found in lists:
        assert found.code in codes, found.code
        # The page takes the code, with the organization in the path or in the query string, or
        # serves this one code at the organization's path.
        shapes = [[found.code], [1, found.code]]
        if indicators.listed_on(found.view) == [found.code]:
            shapes.append([1])
        for args in shapes:
            try:
                reverse(found.view, args=args)
                break
            except NoReverseMatch:
                continue
        else:
            raise AssertionError(f"{found.view} does not show {found.code}")


def test_a_page_serves_only_the_lists_registered_with_it():
    view = "training:indicator"
    assert indicators.list_for("training_courses", view).code == "training_courses"
    assert indicators.list_for("training_courses", "meetings:indicator") is None
    assert indicators.list_for("no_such_code", view) is None
    assert indicators.listed_on(view)[:2] == ["training_courses", "training_attendances"]


def _views():
    return sorted({found.view for found in indicators._LISTS.values()})


def _codes(view):
    return indicators.listed_on(view)

"""Every shipped template is on a shelf of the template browser (studio/core/template_categories.py):
a new template must be given one, or it lands under 'Other'."""
from studio.core.template_categories import CATEGORY, ORDER, OTHER, category_of

from .test_templates import templates


def test_every_template_is_on_a_named_shelf_and_every_shelf_is_known():
    names = templates()
    assert [n for n in names if category_of(n) == OTHER] == []
    assert set(CATEGORY.values()) <= set(ORDER) and set(CATEGORY) <= set(names)

"""The pages a long list is split into, at the sizes ``limits.py`` sets.

A site-wide page must stay a readable size at any scale, and nothing may
become unreachable: a list longer than its page size continues on numbered
pages (``claims/index.html``, ``claims/page/2/index.html``, …), each linked
from the others by ``_macros.html``'s ``pagination`` navigation; a summary
that shows only the top of a list (the home page, the agreement pairs on
/compare/) says how much more there is and links to where all of it is.
An actor's or an outlet's page holds several lists, and each continues on
numbered pages of its own (:func:`profile_pages`).

The example site (26 claims, 5 articles, 37 actors, 102 actor pairs) fits
inside every limit, so it renders as one page per list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping, Sequence

from ..core import limits
from . import urls

if TYPE_CHECKING:
    from ..stages.analyse import ActorAnalysis


def page_path(section: str, number: int) -> str:
    """``claims/index.html`` for page 1, ``claims/page/<n>/index.html`` after."""
    return urls.page_path(section) if number == 1 else urls.page_path(section, f"page/{number}")


def page_count(items: int, size: int) -> int:
    """Pages a list of ``items`` needs; an empty list still has its (one) page."""
    return max(1, -(-items // size))


@dataclass(frozen=True)
class Pagination:
    """One page of a paginated list: which items it holds and where its neighbours are."""

    section: str
    number: int  # 1-based
    count: int  # pages in all
    total: int  # items in all
    size: int  # items per page
    # Page 1's address when it is not the section's own index: a list that
    # begins on another page (an actor's "Statements counted under …" begins
    # on the actor's page, "actors/<id>/index.html#counted-heading", and
    # continues in actors/<id>/counted/page/2/…).
    first: str = ""

    @property
    def path(self) -> str:
        return self.path_of(self.number)

    def path_of(self, number: int) -> str:
        return self.first if number == 1 and self.first else page_path(self.section, number)

    @property
    def start(self) -> int:
        """Index of the page's first item in the whole list (0-based)."""
        return (self.number - 1) * self.size

    @property
    def end(self) -> int:
        return min(self.start + self.size, self.total)

    def slice(self, items: list) -> list:
        return items[self.start:self.end]

    @property
    def first_item(self) -> int:
        """1-based, for "51–100 of 2,000"."""
        return self.start + 1 if self.total else 0

    @property
    def last_item(self) -> int:
        return self.end

    @property
    def paged(self) -> bool:
        """More than one page: only then is there navigation to show."""
        return self.count > 1

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.count else None

    @property
    def window(self) -> list[int | None]:
        """Page numbers to link, in order, with None where a run is left out:
        ``[1, None, 18, 19, 20, 21, 22, None, 40]``. A gap never hides a single
        page: that page is shown instead."""
        shown = {1, self.count} | set(range(self.number - limits.NEIGHBOURS, self.number + limits.NEIGHBOURS + 1))
        numbers = sorted(n for n in shown if 1 <= n <= self.count)
        window: list[int | None] = []
        for n in numbers:
            if window and n - window[-1] == 2:
                window.append(n - 1)
            elif window and n - window[-1] > 2:
                window.append(None)
            window.append(n)
        return window


def paginations(section: str, total: int, size: int | None = None, first: str = "") -> list[Pagination]:
    """Every page of a list of ``total`` items in ``section``, first page first
    (``first``: page 1's address, when it is not ``section/index.html``)."""
    size = size or limits.PAGE_SIZES[section]
    count = page_count(total, size)
    return [Pagination(section, number, count, total, size, first) for number in range(1, count + 1)]


def page_holding(section: str, position: int, size: int) -> str:
    """The path of the page of ``section``'s list that shows its item at
    ``position`` (0-based), pages holding ``size`` items."""
    return page_path(section, position // size + 1)


def said_page(item: ActorAnalysis, size: int, claim_id: str) -> str:
    """The page of the actor's "What they said" (the first list of its
    profile, :func:`profile_pages`) that shows ``claim_id``, pages of
    ``size`` claims: where a party's page and the actor's feed link it."""
    return page_holding(urls.actor_folder(item.actor), item.said_positions[claim_id], size)


@dataclass(frozen=True)
class ProfilePage:
    """One page of an actor's or an outlet's profile: its path, and which page
    of each of the profile's lists it shows (None: nothing of that list)."""

    path: str
    lists: Mapping[str, Pagination | None]
    first: bool  # the profile's own page, which shows the first page of every list

    def slice(self, name: str, items: list) -> list:
        """The items of list ``name`` this page shows (none, if it shows none of that list)."""
        shown = self.lists[name]
        return shown.slice(items) if shown is not None else []


def profile_pages(folder: str, lists: Sequence[tuple[str, int, int]]) -> list[ProfilePage]:
    """The pages of a profile whose lists each continue on numbered pages of
    their own: the profile's page (``folder/index.html``) shows the first
    page of every list; the first list continues on ``folder/page/2/``…,
    each other on ``folder/<name>/page/2/``…. "Previous" and "1" on a
    numbered page lead back to the list's place on the profile's page,
    ``#<name>-heading``: the id of the list's heading in the template.
    ``lists``: (name, items, items a page), the first list first."""
    home = page_path(folder, 1)
    continued = {name: paginations(folder if number == 0 else f"{folder}/{name}", items, size,
                                   first=f"{home}#{name}-heading")
                 for number, (name, items, size) in enumerate(lists)}

    def page(path: str, shown: dict[str, Pagination]) -> ProfilePage:
        return ProfilePage(path, {name: shown.get(name) for name in continued}, path == home)

    profile = [page(home, {name: numbered[0] for name, numbered in continued.items()})]
    for name, numbered in continued.items():
        profile += [page(p.path, {name: p}) for p in numbered[1:]]
    return profile

"""How long a page may get: every limit on the length of a list, in one place.

A site-wide page must stay a readable size at any scale, and nothing may
become unreachable: a list longer than its page size continues on numbered
pages (``paginate.py``); a summary that shows only the top of a list (the
home page, the agreement pairs on /compare/) says how much more there is
and links to where all of it is. The analysis folds what a view cannot show
into "others" by the same numbers (``comparison.py``).

The example site (26 claims, 5 articles, 37 actors, 102 actor pairs) fits
inside every limit, so it renders as one page per list.
"""

from __future__ import annotations

# Items per page of each paginated list: its section (and first page's folder) → size.
PAGE_SIZES = {
    "claims": 50,  # claim cards are several lines tall each
    "compare": 50,  # rows of the claims × origins matrix (ORIGIN_COLUMNS columns, and "others")
    "compare/outlets": 50,  # rows of the claims × outlets view, one column per outlet
    "articles": 100,
    "actors": 100,
    "outlets": 100,
    "updates": 100,
}

# Rows of the "Claims it reported" table on an outlet's page, which continues
# on numbered pages after them (outlets/<id>/page/2/index.html…). An outlet
# of the 2,000-article benchmark corpus reports about 125 claims (its page
# weighed 160 KB), one of the 10,000-article corpus about 600 (395 KB).
OUTLET_CLAIMS = 50
# Articles listed on an outlet's page; the list continues on numbered pages
# of its own (outlets/<id>/articles/page/2/…). An outlet of the
# 100,000-article corpus published about 2,500, and listing them all made
# its page 3 MB.
OUTLET_ARTICLES = 100
# Statements relayed through an actor or an outlet, on its page; the list
# continues on numbered pages of its own (…/<id>/relayed/page/2/…). An
# outlet of the 10,000-article corpus relayed about 200 (258 KB of its page).
RELAYED_STATEMENTS = 50

# Claims per page of each of an actor's two lists, "What they said" and
# "Statements counted under …"; each continues on numbered pages of its own
# (actors/<id>/page/2/…, actors/<id>/counted/page/2/…). A claim there weighs
# 1-1.6 KB; the busiest actor of the 10,000-article corpus spoke on 171 and
# had 224 counted under it (460 KB on one page), and of the 100,000-article
# corpus on 1,054 and 2,071 (4.1 MB).
ACTOR_CLAIMS = 50

# The home page lists every claim up to this many; beyond, this many of the
# most recently reviewed or updated, and a link to /claims/.
HOME_CLAIMS = 30

# The actor-agreement list on /compare/ (templates/_charts.html): at most this
# many pairs of each group, the most decisive first, plus any pair the grid
# shows (its cells link to the list). The example site's groups hold 11, 42
# and 29 pairs, all shown.
PAIRS_SHOWN = {"disagree": 25, "agree": 75, "neither": 40}
# Actors in the agreement grid on /compare/; a bigger grid stops being readable.
AGREEMENT_GRID_ACTORS = 12
# Shared claims listed under one pair, most divisive first; the two actors'
# pages list the rest.
SHARED_CLAIMS_SHOWN = 5

# Columns of the claims × independent origins matrix on /compare/: the
# origins that speak on the most claims. The rest (and every origin that
# speaks on one claim only) share each row's "others" cell. The example site
# has 8 origins on two claims or more; at 1,280 px 8 columns fit beside the
# claims without scrolling, and wider tables scroll sideways.
ORIGIN_COLUMNS = 8
# Of the origins folded into a row's "Others" on /compare/, those listed in
# its cell (by name); the cell says how many there are, and links to the
# claim's "Who says what", which has them all. In the 10,000-article corpus
# a row had 16 others (median; up to 34), and listing every one made the
# cell 13.7 KB of a 17.5 KB row and a page of 50 rows 845 KB.
OTHERS_SHOWN = 5

# Entries of an Atom feed, the site's and each actor's: the claims most
# recently reviewed or updated. A reader fetches a feed again and again for
# what is new; the archive is the site's own pages. Listing every dated
# claim made the site feed of the 100,000-article corpus 10 MB (16,998
# entries) and an actor's feed up to 887 KB (the 10,000 actors' feeds 349 MB).
FEED_ENTRIES = 50

# Page numbers shown either side of the current one; the first and the last
# page are always shown, the rest replaced by a gap ("…").
NEIGHBOURS = 2

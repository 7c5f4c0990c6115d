# Intercoop's web pages, in English. Keys are grouped by page.

## Every page
skip-to-content = Skip to content
nav-home = Home
nav-coops = Coops
language = Language
footer-software = Runs Intercoop { $version }, free software (AGPL-3.0).
footer-api = API for developers
page-not-found = Not found
page-problem = Something went wrong
page-problem-text = The page could not be shown now. Try again in a moment.
page-not-found-text = There is nothing at this address.

## The landing page
landing-title = { $node }: coops helping coops
landing-lead = An Intercoop node: cooperatives publish what help they need and what they offer, and find each other across nodes.
node-contact = The node's admins:
stat-coops = { $count ->
    [one] coop here
   *[other] coops here
}
stat-open = { $count ->
    [one] open need or offer
   *[other] open needs and offers
}
coops-here = Coops on this node
newest = Newest needs and offers
newest-none = Nothing published yet.
coops-none = No coop here yet.
feed = Feed of these needs and offers (Atom)
from-elsewhere = from { $host }

## Needs and offers
kind-need = Need
kind-offer = Offer
category-financial = Financial
category-human = Human
category-technical = Technical
category-knowledge = Knowledge
category-work = Work opportunity
published-on = Published { $date }
facts = Details
fact-category = Category
fact-quantity = Quantity
fact-place = Place
fact-remote = Remote
fact-remote-yes = Can be done remotely
fact-deadline = Until
fact-tags = Tags
proposal-closed = This need or offer is closed.

## A coop's page
coop-needs-offers = Needs and offers
coop-none = No open needs or offers.
coop-facts = About the coop
coop-followers = { $count ->
    [one] { $count } follower
   *[other] { $count } followers
}
coop-follow-hint = Follow it from Mastodon or another Intercoop node:
avatar-of = Picture of { $coop }

## Months, for dates
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
date = { $month } { $day }, { $year }
date-time = { $date }, { $time } UTC
date-time-wall = { $date }, { $time }

## Profile fields
field-website = Website
field-location = Location
field-languages = Languages
field-sectors = Sectors
field-legal-form = Legal form
field-members = Members
field-founded = Founded
field-stage = Stage
field-networks = Networks
field-contact = Contact

## The directory
nav-directory = Directory
directory-title = Needs and offers
directory-refused = Nothing was searched: a filter needs fixing.
directory-none = Nothing matches these filters.
directory-shown = { $first }–{ $last } of { $total }
filter-text = Words in the title
filter-kind = Need or offer
filter-any = Any
filter-tag = Tag
filter-country = Country (code, e.g. AR)
filter-language = Language (e.g. es)
filter-node = Node (e.g. coops.example)
filter-search = Search
pages = Pages
page-prev = Newer
page-next = Older
coops-title = Coops
coops-found-none = No coop matches these filters.
coops-here-short = here
filter-name = Words in the name

## Signing in
nav-workspace = Your workspace
nav-admin = Admin desk
sign-in = Sign in
sign-out = Sign out
sign-in-lead = Sign in with the email and password of your coop's account.
sign-in-email = Email
sign-in-password = Password
sign-in-wrong = Wrong email or password.
sign-in-wait = Too many failed attempts. Try again in { $seconds } seconds.
page-refused = Not allowed
page-not-done = That could not be done

## The network map
map-title = The network
map-lead = Coops this node knows, grouped by node, and how they relate. Point at a coop or move to it with Tab to see its name and ties.
map-tie-follow = follows
map-tie-match = strong match
map-tie-introduction = introduced
map-skip = Skip the map
map-caption = { $coops } coops on { $nodes } nodes, { $ties } ties.
map-cut = Only the first coops are drawn; the directory lists them all.
map-coop = { $name }, on { $node }: { $ties } ties
map-as-table = The map as tables
map-nodes = Nodes and their coops
map-node = Node
map-ties = Ties between coops
map-coop-col = Coop
map-tie-col = Tie

## Why a match was made (the other coop is "they")
list-and = and
reason-they-offer = they offer { $words }
reason-they-need = they need { $words }
reason-they-offer-in = they offer { $words } in { $language }
reason-they-need-in = they need { $words } in { $language }
reason-same-meaning = their “{ $theirs }” means your “{ $ours }”
reason-tags = both tagged { $tags }
reason-place = both in { $place }
reason-remote-both = both can work remotely
reason-remote-they = they can work remotely
reason-country = both based in { $country }
reason-languages = you both work in { $languages }
reason-deadline = { $days ->
    [0] their deadline is today
    [1] their deadline is tomorrow
   *[other] their deadline is in { $days } days
}
reason-fresh = published this week
reason-you-also-offer = you also offer what they need: “{ $title }”
reason-they-also-offer = they also offer what you need: “{ $title }”
reason-pairing-start = they are a start-coop and you are established
reason-pairing-established = they are an established coop and you are a start-coop
reason-other-category = filed under “{ $category }”, but about the same
reason-they-ask = they ask in return: { $terms }
reason-they-give = they give in return: { $terms }
language-name-en = English
language-name-es = Spanish
language-name-pt = Portuguese
language-name-fr = French
language-name-ca = Catalan
language-name-it = Italian
language-name-de = German

## Refused input (the services' messages, said again)
msg-empty = must not be empty
msg-at-most-chars = must be at most { $max } characters
msg-chars-between = must be between { $min } and { $max } characters
msg-chars-up-to = must be 1 to { $max } characters
msg-entries-at-most-chars = entries must be at most { $max } characters
msg-visible = must contain visible characters
msg-control = must not contain control characters
msg-bidi = must not contain bidirectional override characters
msg-unstorable = contains characters that cannot be stored
msg-past = must not be in the past
msg-between = must be between { $min } and { $max }
msg-at-most-entries = must have at most { $max } entries
msg-empty-entries = must not contain empty entries
msg-handle-chars = may contain only a-z, 0-9 and '_'
msg-email = is not a valid email address
msg-url = must be an http or https URL
msg-country = must be a two-letter ISO 3166-1 code such as AR or GB
msg-language-tag = must be a language code such as es, en or pt-BR
msg-decimal = must be a positive decimal number such as 1.5
msg-whole-days = must be a whole number of days
msg-page-language = must be English or Spanish
msg-handle-at-domain = must look like handle@domain
msg-wrong-password = is not the account's password
msg-this-node = that is this node
msg-block-self = that would block this node itself
msg-exists = that already exists
msg-introduction-message = an introduction needs a message
msg-not-text = is not text (UTF-8)
msg-no-file = choose a file to send

# A coop's workspace, in English.

## Every page of the workspace
ws-nav = Workspace
ws-overview = Overview
ws-matches = Matches
ws-introductions = Introductions
ws-follows = Follows
ws-profile = Profile
ws-public-page = See the public page
ws-choose = Choose…
ws-save = Save
ws-preview = Preview
ws-saved = Saved.
ws-form-fix = Nothing was saved: a field needs fixing (see below).
ws-markdown-hint = Markdown: *italics*, **bold**, [links](https://example.coop), lists.
ws-closed = Closed

## Overview
ws-waiting = Waiting for you
ws-to-answer = { $count ->
    [one] 1 introduction to answer
   *[other] { $count } introductions to answer
}
ws-requests = { $count ->
    [one] 1 follow request
   *[other] { $count } follow requests
}
ws-own = Your needs and offers
ws-own-none = Your coop has not published anything yet.
ws-publish = Publish a need or offer
ws-best-matches = Best matches
ws-all-matches = All matches
ws-matches-none = No match yet: matches appear as coops here and on the nodes this one follows publish.
ws-matches-later = Matches are being worked out; look again in a moment.
ws-matches-total = { $count ->
    [one] 1 match with your needs and offers.
   *[other] { $count } matches with your needs and offers.
}
ws-match-score = Score { $percent }%
ws-match-answers = Answers your “{ $title }”

## Solidarity circles
ws-circles = Solidarity circles
ws-circles-lead = Rings of three or four coops where each offers what the next needs, so help goes round even when no two of them answer each other directly. The score is that of the weakest link.
ws-circles-none = No circle yet: circles appear when coops here and on the nodes this one follows need and offer things in turn.
ws-circle-heading = A circle of { $count } coops
ws-circle-you = Your coop
ws-circle-you-to = your coop
ws-circle-offers = offers
ws-circle-to = to
ws-circle-for = for its need

## A need or offer
ws-kind = Need or offer
ws-title = Title
ws-description = Description
ws-tags-hint = Words separated by commas, such as hosting, design.
ws-quantity-value = How much (optional)
ws-quantity-unit = Unit, such as hour or EUR
ws-publish-button = Publish
ws-close = Close it
ws-reopen = Open it again
ws-closed-note = Closed: not shown to others and not matched.
ws-its-matches = Its matches
ws-edit = Edit it

## Introductions
ws-ask-introduction = Ask for an introduction
ws-ask-lead = Ask { $coop } to share contacts about “{ $title }”.
ws-ask-hint = If they accept, each coop sees the other's private contact details.
ws-ask-message = What you would like to talk about
ws-ask-send = Send the request
ws-received = Received
ws-received-none = No coop has asked you yet.
ws-sent = Sent
ws-sent-none = You have not asked any coop yet.
ws-contacts = Contacts
ws-accept = Accept
ws-decline = Decline
ws-accept-hint = Accepting shares your coop's private contact details with them.
intro-pending = Waiting for an answer
intro-accepted = Accepted
intro-declined = Declined

## Notifications
ws-notifications = Notifications
ws-notifications-none = Nothing new.
ws-clear-all = Dismiss all
ws-dismiss = Dismiss
notice-follow = { $who } follows your coop
notice-follow_request = { $who } asks to follow your coop
notice-match = New match: { $who }
notice-introduction_request = { $who } asks for an introduction
notice-introduction_proposed = A gathering’s facilitator proposes introducing your coop to { $who }
notice-introduction_answer = { $who } answered your introduction

## Follows
ws-follow-label = Follow a coop on another node
ws-follow-hint = Its address, such as tech@coops.example.
ws-follow = Follow
ws-follow-requests = Asking to follow you
ws-approve = Approve
ws-reject = Refuse
ws-following = Coops you follow
ws-following-none = You follow no coop yet.
ws-follow-pending = waiting for approval
ws-unfollow = Stop following
ws-withdraw = Withdraw the request
ws-followers = Your followers
ws-followers-none = Nobody follows your coop yet.

## Profile
profile-group-coop = About the coop
profile-group-public = Public contact
profile-group-public-hint = Shown to everyone on your coop's page.
profile-group-private = Private contact
profile-group-private-hint = Shown only to coops whose introduction you accept, or who accept yours.
profile-display_name = Name
profile-website = Website
profile-website-hint = An address starting with https://
profile-country = Country
profile-country-hint = Two letters, such as AR or GB.
profile-city = City
profile-languages = Languages
profile-languages-hint = Codes separated by commas, such as es, en.
profile-sectors = Sectors
profile-sectors-hint = Words separated by commas, such as hosting, design.
profile-legal_form = Legal form
profile-member_count = Members
profile-founded_year = Year founded
profile-networks = Networks
profile-networks-hint = Networks your coop belongs to, separated by commas, such as FACTTIC, CoTech.
profile-stage = Stage
profile-stage-start-coop = Starting out
profile-stage-established = Established
profile-about = About
profile-approve-followers = Approve each follower by hand
profile-contact-email = Email
profile-contact-phone = Phone
profile-contact-chat = Chat (Matrix, XMPP, Signal…)
profile-contact-person = Contact person

## Sessions and apps
account-sessions = Sessions and apps
account-sessions-lead = Where your account is signed in, and the Mastodon apps it let in. Revoke anything you do not recognise; then change the password.
account-signed-in = Signed in
account-sign-in-web = A browser
account-sign-in-api = An API token
account-this-browser = This browser
account-agent = Browser or program
account-agent-unknown = Not known
account-signed-in-at = Signed in
account-last-used = Last used (within the hour)
account-expires = Ends
account-revoke = Revoke
account-revoke-own = Sign out here
account-apps = Authorised apps
account-apps-none = No app has been authorised.
account-authorised-at = Authorised
account-scopes = Permissions
account-revoke-app = Revoke its access

## Your account
account = Your account
account-nav = Your account
account-lead = Signed in as { $email }.
account-language = Language
account-language-label = Language of the pages
account-language-hint = Used whenever you sign in; the switch at the top still changes it for this browser.
account-language-browser = The browser's language
account-time-zone = Time zone
account-time-zone-label = Your time zone
account-time-zone-hint = Its name, e.g. Europe/Madrid or America/Argentina/Buenos_Aires. Gatherings then also show their times in it, in this browser and wherever you sign in. Leave it empty to see them in their own zone and in UTC only.
account-password = Password
account-password-hint = At least 8 characters. Changing it signs your account out everywhere else: other browsers, API tokens and Mastodon apps.
account-password-current = Current password
account-password-new = New password
account-password-confirm = New password again
account-password-change = Change the password
account-password-mismatch = The two new passwords are not the same.
account-password-changed = { $count ->
    [0] Password changed.
    [one] Password changed; 1 other sign-in was ended.
   *[other] Password changed; { $count } other sign-ins were ended.
}

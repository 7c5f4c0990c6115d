# The admin desk, in English.

ad-nav = Admin desk
ad-title = Running this node
ad-overview = Overview
ad-nodes = Nodes
ad-domains = Blocks and allows
ad-coops = Coops
ad-log = Log
ad-actions = Actions
ad-more = More

## Overview
ad-policy = Federation
ad-mode = Who this node federates with
ad-mode-open = Everyone but blocked domains
ad-mode-allowlist = Only allowed domains
ad-approval = Other nodes asking to follow this one
ad-approval-auto = Accept at once
ad-approval-manual = Approve each by hand
ad-queue = Deliveries waiting
ad-queue-waiting = { $count ->
    [one] 1 delivery waiting,
   *[other] { $count } deliveries waiting,
}
ad-queue-failing = { $count ->
    [one] 1 of them failed at least once.
   *[other] { $count } of them failed at least once.
}
ad-queue-empty = Nothing is waiting: every delivery went out.
ad-host = Host
ad-waiting = Waiting
ad-failing-since = Failing since
ad-next-try = Next try
ad-retry = Try now

## Nodes
ad-follow-node = Follow another node
ad-follow-node-hint = Its domain, such as coops.example. Its coops and their open needs and offers come here once it accepts.
ad-known-nodes = Known nodes
ad-nodes-none = No other node is known yet.
ad-we-follow = This node follows it
ad-follows-us = It follows this node
ad-rel-none = No
ad-rel-pending = Asked, waiting
ad-rel-accepted = Yes
ad-backfill = Backfill
ad-blocked = Blocked
ad-allowed = Allowed
ad-yes = Yes
ad-remove-follower = Remove as follower

## Blocks and allows
ad-mode-now-open = This node federates with everyone but the blocked domains.
ad-mode-now-allowlist = This node federates only with the allowed domains (and of those, not the blocked ones).
ad-blocks = Blocked domains
ad-blocks-none = No domain is blocked.
ad-domain = Domain
ad-severity = Severity
ad-severity-suspend = Suspend: nothing from it, nothing to it
ad-severity-limit = Limit: out of the directory and matching
ad-comment = Public comment
ad-since = Since
ad-unblock = Unblock
ad-export = Download the blocks (Mastodon CSV)
ad-block-add = Block a domain
ad-block = Block
ad-import = Import a block list
ad-import-label = Block list
ad-import-hint = Paste Mastodon's CSV export (#domain,#severity,…) or one domain a line. Domains already blocked keep their block; any bad row refuses the whole list.
ad-import-button = Import
ad-upload-label = Or send a file
ad-upload-hint = A block list downloaded from Mastodon (domain_blocks.csv) or another node, up to 2 MiB.
ad-upload-button = Import the file
ad-imported = Imported: { $added } added, { $unchanged } already blocked, { $noop } with nothing to enforce.
ad-allows = Allowed domains
ad-allows-none = No domain is on the allow list.
ad-allow-label = Allow a domain
ad-allow = Allow
ad-disallow = Remove

## Coops
ad-coop-new = Create a coop
ad-coop-handle = Handle
ad-coop-handle-hint = Its address here: lower-case letters, digits and _, such as fiqus.
ad-coop-email = Email of its first member
ad-coop-password = Password
ad-coop-password-hint = At least 8 characters. Give it to the coop to sign in.
ad-coop-create = Create the coop
ad-coops-here = Coops on this node
ad-coop-delete = Delete…
ad-coop-confirm = Type { $handle } to delete it for good (other servers are told)
ad-coop-delete-button = Delete the coop

## Log
ad-log-none = Nothing recorded yet.
ad-when = When
ad-who = Who
ad-what = What
ad-target = On
ad-detail = Detail

## Settings
ad-settings = Settings
ad-settings-lead = Settings that take effect at once, without a restart. The configuration file gives their first values; once saved here, these win. Every change is in the log.
ad-settings-public = What people see
ad-about = About this node
ad-about-hint = Plain text, up to 1,000 characters: on the landing page, for Mastodon apps and in NodeInfo.
ad-about-language = Language of that text
ad-about-language-hint = A code such as en, es or pt-BR.
ad-contact-email = Email to reach the node's admins
ad-settings-federation = Federation
ad-authorized-fetch = Authorized fetch
ad-authorized-fetch-hint = Documents go only to servers that sign their requests, and never to blocked domains.
ad-home-posts-days = Days other posts stay in home timelines
ad-home-posts-days-hint = Posts of followed accounts that are not needs or offers: 1 to 365 days.
ad-settings-apps = Mastodon apps
ad-password-grant = Allow the password grant
ad-password-grant-hint = Some older apps sign in by sending the password themselves; without this they must use the sign-in page.
ad-gatherings = Gatherings
ad-gathering-plan = Plan a gathering of the node
ad-gathering-lead = The node organises it: its actor announces it to the nodes following this one and answers registrations from other servers. Name the coops of this node that facilitate it and keep its notes.
ad-gathering-roles-hint = Handles of coops on this node, separated by commas. Name at least one facilitator; the note-taker is the first facilitator unless you name another coop.

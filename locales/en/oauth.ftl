# The pages where a coop lets a Mastodon app act for it, in English.

oauth-title = Authorize an app
oauth-asks = The app “{ $app }” asks to act for your coop on { $node }.
oauth-it-may = If you sign in and agree, it will be able to:
oauth-email = Email
oauth-password = Password
oauth-approve = Sign in and authorize
oauth-deny = Deny
oauth-code-title = Authorization code
oauth-code-paste = Copy this code and paste it into { $app }:
oauth-code-expiry = It works once, within ten minutes.
oauth-problem-title = This sign-in link does not work
oauth-problem-hint = Go back to the app and start signing in again; if it keeps happening, tell the app's makers.
oauth-unknown-app = The app is not registered on this node.
oauth-bad-redirect = The app sent a return address it did not register.
oauth-bad-scope = The app asks for permissions it did not register:
oauth-bad-request = The app's request is not valid:
oauth-wrong-password = Wrong email or password.
oauth-too-many = Too many failed sign-ins. Wait a little and try again.
oauth-busy = The node is busy checking other sign-ins. Try again in a few seconds.
oauth-denied-title = Not authorized
oauth-denied = You did not let the app act for your coop. You can close this page.

## What each permission lets an app do
scope-read = read your coop's profile, follows, timelines, needs, offers and notifications
scope-write = publish, edit and close needs and offers, and change your coop's profile
scope-follow = follow and unfollow coops
scope-push = receive push notifications
scope-profile = see your coop's name and handle
scope-admin-read = read the node's federation settings (admins only)
scope-admin-write = change the node's federation settings (admins only)
scope-other = the permission “{ $scope }”

"""Drives two Intercoop nodes with Mastodon.py (PyPI), a client library we
did not write, the way a Mastodon app would: register, sign in (the
authorization-code flow with PKCE through requests-oauthlib, and the password
grant), read and update the profile, follow a coop on the other node, read
the home timeline, post in the hashtag grammar, get notifications, unfollow,
delete, revoke. Started by federation-tests/tests/mastodon_py.rs, which
passes the nodes' addresses and sign-ins in the environment. Every wait is
bounded; any failure exits non-zero with the step that failed."""

import html
import os
import re
import socket
import sys
import time

import requests
from mastodon import Mastodon, MastodonUnauthorizedError, MastodonAPIError
from requests_oauthlib import OAuth2Session

ALPHA = os.environ["ALPHA"]  # http://alpha.test:PORT, the giver's node
BETA = os.environ["BETA"]  # http://beta.test:PORT, the seeker's node
PASSWORD = os.environ["PASSWORD"]
ALPHA_EMAIL = os.environ["ALPHA_EMAIL"]
BETA_EMAIL = os.environ["BETA_EMAIL"]
ALPHA_NATIVE = os.environ["ALPHA_NATIVE_TOKEN"]
BETA_NATIVE = os.environ["BETA_NATIVE_TOKEN"]
REDIRECT = "https://app.example/callback"
SCOPES = ["read", "write", "follow"]
WAIT = 30

# The nodes' host names live on loopback addresses, as in the Rust harness.
HOSTS = dict(pair.split("=") for pair in os.environ["RESOLVE"].split(","))
_getaddrinfo = socket.getaddrinfo
socket.getaddrinfo = lambda host, *a, **k: _getaddrinfo(HOSTS.get(host, host), *a, **k)
# requests-oauthlib refuses plain http unless told this is a test.
os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"


def step(what):
    print(f"step: {what}", flush=True)


def eventually(what, check):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.25)
    raise AssertionError(f"gave up waiting for {what}")


def native(base, token, method, path, **kw):
    r = requests.request(method, f"{base}/api/intercoop/v1{path}",
                         headers={"Authorization": f"Bearer {token}"}, timeout=30, **kw)
    assert r.status_code < 300, f"{method} {path}: {r.status_code} {r.text}"
    return r.json() if r.text else None


def sign_in_with_pkce(base, client_id, client_secret, email):
    """The browser part by hand: open the sign-in page, post its form."""
    oauth = OAuth2Session(client_id, redirect_uri=REDIRECT, scope=SCOPES, pkce="S256")
    url, state = oauth.authorization_url(f"{base}/oauth/authorize")
    page = requests.get(url, timeout=30)
    assert page.status_code == 200, page.text
    fields = {name: html.unescape(value) for name, value in
              re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text)}
    assert fields.get("code_challenge_method") == "S256", fields
    fields.update(email=email, password=PASSWORD, decision="approve")
    answer = requests.post(f"{base}/oauth/authorize", data=fields, allow_redirects=False, timeout=30)
    assert answer.status_code in (302, 303), answer.text
    token = oauth.fetch_token(f"{base}/oauth/token", authorization_response=answer.headers["Location"],
                              client_secret=client_secret, include_client_id=True)
    return token["access_token"]


def main():
    step("register an app on each node")
    a_id, a_secret = Mastodon.create_app("Interop app", scopes=SCOPES, redirect_uris=[REDIRECT],
                                         website="https://app.example", api_base_url=ALPHA)
    b_id, b_secret = Mastodon.create_app("Interop app", scopes=SCOPES, api_base_url=BETA)

    step("sign in on alpha with the authorization-code flow and PKCE")
    alpha = Mastodon(client_id=a_id, client_secret=a_secret, api_base_url=ALPHA,
                     access_token=sign_in_with_pkce(ALPHA, a_id, a_secret, ALPHA_EMAIL))
    step("sign in on beta with the password grant")
    beta = Mastodon(client_id=b_id, client_secret=b_secret, api_base_url=BETA)
    beta.log_in(BETA_EMAIL, PASSWORD, scopes=SCOPES, allow_http=True)

    step("verify credentials and update the profile")
    giver = alpha.account_verify_credentials()
    assert giver.acct == "giver", giver
    updated = alpha.account_update_credentials(note="We host *coops*.", fields=[("Website", "https://giver.coop")])
    assert "<em>coops</em>" in updated.note, updated.note
    assert any(f.name == "Website" for f in updated.fields), updated.fields
    seeker = beta.account_verify_credentials()
    assert seeker.acct == "seeker", seeker

    step("each coop looks the other up across nodes and follows it")
    alpha_host, beta_host = ALPHA.split("://")[1], BETA.split("://")[1]
    found = beta.search_v2(f"giver@{alpha_host}", resolve=True, result_type="accounts")
    giver_there = found.accounts[0]
    assert giver_there.acct == f"giver@{alpha_host}", giver_there
    beta.account_follow(giver_there)
    seeker_there = alpha.search_v2(f"@seeker@{beta_host}", resolve=True).accounts[0]
    alpha.account_follow(seeker_there)
    eventually("both follows accepted", lambda: beta.account_relationships(giver_there)[0].following
               and alpha.account_relationships(seeker_there)[0].following)

    step("the giver is told of the follow")
    eventually("the follow notification", lambda: any(
        n.type == "follow" and n.account.acct == f"seeker@{beta_host}" for n in alpha.notifications()))

    step("the seeker posts a need; it reaches the giver's home timeline")
    native(BETA, BETA_NATIVE, "PUT", "/matches/settings", json={"notify_min_score": 0.3, "prefer_stage_pairing": False})
    need = beta.status_post("Web hosting for our servers #need #technical #hosting")
    assert need.account.acct == "seeker", need
    eventually("the need at alpha", lambda: any(
        "Web hosting for our servers" in s.content for s in alpha.timeline_home()))

    step("the giver posts an offer; beta lists it and matches it")
    offer = alpha.status_post("Web hosting for servers #offer #technical #hosting")
    listed = eventually("the offer in beta's directory", lambda: [
        p for p in native(BETA, BETA_NATIVE, "GET", "/directory/proposals?text=hosting")["items"]
        if p["title"] == "Web hosting for servers"])
    remote_offer = listed[0]["id"]
    eventually("the match at beta", lambda: any(
        m["proposal"]["id"] == remote_offer for m in native(BETA, BETA_NATIVE, "GET", "/matches")["items"]))
    eventually("the match notification at beta", lambda: any(
        n.type == "mention" and "New match" in n.status.content for n in beta.notifications()))

    step("the seeker asks for an introduction; the giver is told")
    for base, token, email in [(ALPHA, ALPHA_NATIVE, "hola@giver.coop"), (BETA, BETA_NATIVE, "hola@seeker.coop")]:
        native(base, token, "PATCH", "/coop", json={"private_contact": {"email": email}})
    native(BETA, BETA_NATIVE, "POST", "/introductions",
           json={"proposal": remote_offer, "message": "Hola! Can we talk about hosting?"})
    eventually("the introduction notification at alpha", lambda: any(
        n.type == "mention" and "asks for an introduction" in n.status.content
        for n in alpha.notifications(types=["mention"])))

    step("the giver deletes its offer; beta sees it closed")
    deleted = alpha.status_delete(offer)
    assert "#offer" in (deleted.get("text") or ""), deleted
    eventually("the offer gone at beta", lambda: not [
        p for p in native(BETA, BETA_NATIVE, "GET", "/directory/proposals?text=hosting")["items"]
        if p["title"] == "Web hosting for servers"])

    step("the seeker unfollows")
    rel = beta.account_unfollow(giver_there)
    assert not rel.following and not rel.requested, rel

    step("the seeker searches a new offer's URL; beta reads it from alpha and answers its author")
    later = alpha.status_post("Backups for coops #offer #technical #backups")
    found = beta.search_v2(later.uri, resolve=True)
    assert not found.statuses, found
    assert [a.acct for a in found.accounts] == [f"giver@{alpha_host}"], found

    step("a refused post says why")
    try:
        alpha.status_post("Just saying hello")
        raise AssertionError("a post outside the grammar was taken")
    except MastodonAPIError as e:
        assert "#need or #offer" in str(e), e

    step("revoke the token; it stops working")
    token = alpha.access_token
    alpha.revoke_access_token(allow_http=True)
    try:
        Mastodon(access_token=token, api_base_url=ALPHA).account_verify_credentials()
        raise AssertionError("a revoked token still works")
    except MastodonUnauthorizedError:
        pass
    print("all steps passed", flush=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # the step printed last is the one that failed
        print(f"FAILED: {type(e).__name__}: {e}", flush=True)
        sys.exit(1)

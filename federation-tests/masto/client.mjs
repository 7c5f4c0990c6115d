// Drives two Intercoop nodes with masto (npm), the Mastodon client library
// behind Elk and Phanpy, which we did not write: apps, the authorization-code
// flow with PKCE and the password grant through masto's OAuth client, the
// profile, a follow across nodes, the streaming API (masto's WebSocket
// client, token as the protocol), the home timeline, posting in the hashtag
// grammar, notifications, delete, unfollow, revoke. Started by
// ../tests/masto.rs with the nodes' addresses in the environment; every wait
// is bounded, and a failure exits non-zero naming its step.

import { createHash, randomBytes } from "node:crypto";
import { Agent, setGlobalDispatcher } from "undici";
import { createOAuthAPIClient, createRestAPIClient, createStreamingAPIClient } from "masto";

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const ALPHA = env("ALPHA");
const BETA = env("BETA");
const PASSWORD = env("PASSWORD");
const REDIRECT = "https://app.example/callback";
const SCOPES = "read write follow";
const WAIT_MS = 30_000;

// The nodes' host names live on loopback addresses; nothing else is reached.
const RESOLVE = new Map(env("RESOLVE").split(",").map((p) => p.split("=")));
setGlobalDispatcher(
  new Agent({
    connect: {
      lookup(hostname, options, callback) {
        const address = RESOLVE.get(hostname);
        if (!address) callback(new Error(`${hostname} is not a test host`));
        else if (options && options.all) callback(null, [{ address, family: 4 }]);
        else callback(null, address, 4);
      },
    },
  }),
);

let current = "start";
// What the streaming client received, and how it ended if it did.
const events = [];
let streamError = null;
const step = (what) => {
  current = what;
  console.log(`step: ${what}`);
};
const assert = (ok, what) => {
  if (!ok) throw new Error(`assertion failed: ${what}`);
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function eventually(what, check) {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    const found = await check();
    if (found) return found;
    await sleep(250);
  }
  throw new Error(`gave up waiting for ${what}`);
}

const native = async (base, token, method, path, body) => {
  const r = await fetch(`${base}/api/intercoop/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  assert(r.status < 300, `${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
};

/** The browser's part by hand: open the sign-in page and post its form. */
async function codeWithPkce(base, clientId, email) {
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const query = new URLSearchParams({
    response_type: "code", client_id: clientId, redirect_uri: REDIRECT, scope: SCOPES,
    state: "masto", code_challenge: challenge, code_challenge_method: "S256",
  });
  const page = await fetch(`${base}/oauth/authorize?${query}`);
  const html = await page.text();
  assert(page.status === 200, `sign-in page: ${page.status}`);
  const form = new URLSearchParams();
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    form.set(name, value.replaceAll("&amp;", "&").replaceAll("&quot;", '"').replaceAll("&#x27;", "'"));
  }
  form.set("email", email);
  form.set("password", PASSWORD);
  form.set("decision", "approve");
  const answer = await fetch(`${base}/oauth/authorize`, { method: "POST", body: form, redirect: "manual" });
  assert([302, 303].includes(answer.status), `sign-in: ${answer.status}`);
  const back = new URL(answer.headers.get("location"));
  assert(back.searchParams.get("state") === "masto", "state came back");
  return { code: back.searchParams.get("code"), verifier };
}

async function main() {
  step("register an app on each node");
  const alphaApp = await createRestAPIClient({ url: ALPHA }).v1.apps.create({
    clientName: "masto interop", redirectUris: REDIRECT, scopes: SCOPES, website: "https://app.example",
  });
  const betaApp = await createRestAPIClient({ url: BETA }).v1.apps.create({
    clientName: "masto interop", redirectUris: REDIRECT, scopes: SCOPES,
  });

  step("sign in on alpha with the authorization-code flow and PKCE");
  const { code, verifier } = await codeWithPkce(ALPHA, alphaApp.clientId, env("ALPHA_EMAIL"));
  const alphaOAuth = createOAuthAPIClient({ url: ALPHA });
  const alphaToken = await alphaOAuth.token.create({
    grantType: "authorization_code", clientId: alphaApp.clientId, clientSecret: alphaApp.clientSecret,
    redirectUri: REDIRECT, code, codeVerifier: verifier, scope: SCOPES,
  });
  step("sign in on beta with the password grant");
  const betaToken = await createOAuthAPIClient({ url: BETA }).token.create({
    grantType: "password", clientId: betaApp.clientId, clientSecret: betaApp.clientSecret,
    redirectUri: REDIRECT, username: env("BETA_EMAIL"), password: PASSWORD, scope: SCOPES,
  });
  const alpha = createRestAPIClient({ url: ALPHA, accessToken: alphaToken.accessToken });
  const beta = createRestAPIClient({ url: BETA, accessToken: betaToken.accessToken });

  step("verify credentials and update the profile");
  const giver = await alpha.v1.accounts.verifyCredentials();
  assert(giver.acct === "giver", `acct ${giver.acct}`);
  const updated = await alpha.v1.accounts.updateCredentials({
    displayName: "Giver Coop", fieldsAttributes: [{ name: "Location", value: "Rosario, AR" }],
  });
  assert(updated.displayName === "Giver Coop", "display name");
  assert(updated.fields.some((f) => f.name === "Location" && f.value.includes("Rosario")), "fields");

  step("open alpha's streaming API (user stream) with masto's WebSocket client");
  const instance = await alpha.v2.instance.fetch();
  const streaming = createStreamingAPIClient({
    streamingApiUrl: instance.configuration.urls.streaming,
    accessToken: alphaToken.accessToken,
    retry: 3,
  });
  const subscription = streaming.user.subscribe();
  (async () => {
    for await (const event of subscription) events.push(event);
  })().catch((e) => {
    streamError = e;
  });

  // masto subscribes when its connection is up, a moment later; an event
  // before that is not replayed (apps fetch what they missed over REST).
  // So: post a warm-up offer and edit it until an event for it arrives.
  step("the stream is live: a warm-up post arrives on it");
  const warmup = await alpha.v1.statuses.create({ status: "Warm-up #offer #work" });
  await eventually("an event for the warm-up post", async () => {
    if (events.some((e) => ["update", "status.update"].includes(e.event) && e.payload.id === warmup.id)) {
      return true;
    }
    await alpha.v1.statuses.$select(warmup.id).update({ status: `Warm-up ${Date.now()} #offer #work` });
    await sleep(1000);
    return false;
  });
  await alpha.v1.statuses.$select(warmup.id).remove();

  step("each coop finds the other across nodes and follows it");
  const alphaHost = new URL(ALPHA).host;
  const betaHost = new URL(BETA).host;
  const found = await beta.v2.search.list({ q: `giver@${alphaHost}`, resolve: true, type: "accounts" });
  const giverThere = found.accounts[0];
  assert(giverThere && giverThere.acct === `giver@${alphaHost}`, "giver found from beta");
  await beta.v1.accounts.$select(giverThere.id).follow();
  const seekerThere = (await alpha.v2.search.list({ q: `seeker@${betaHost}`, resolve: true })).accounts[0];
  assert(seekerThere, "seeker found from alpha");
  await alpha.v1.accounts.$select(seekerThere.id).follow();
  await eventually("both follows accepted", async () => {
    const [a] = await alpha.v1.accounts.relationships.fetch({ id: [seekerThere.id] });
    const [b] = await beta.v1.accounts.relationships.fetch({ id: [giverThere.id] });
    return a.following && b.following;
  });

  step("the follow arrives live as a notification on the stream");
  await eventually("a follow notification event", () =>
    events.some((e) => e.event === "notification" && e.payload.type === "follow"));

  step("the seeker posts a need; it arrives live and in the home timeline");
  const need = await beta.v1.statuses.create({ status: "Servers for our members #need #technical #servers" });
  assert(need.account.acct === "seeker", "need by seeker");
  await eventually("the update event", () =>
    events.some((e) => e.event === "update" && e.payload.content.includes("Servers for our members")));
  const home = await alpha.v1.timelines.home.list({ limit: 5 });
  assert(home.some((s) => s.content.includes("Servers for our members")), "need in home");

  step("the giver posts an offer; beta lists it");
  const offer = await alpha.v1.statuses.create({ status: "Servers for coops #offer #technical #servers" });
  await eventually("the offer in beta's directory", async () => {
    const page = await native(BETA, env("BETA_NATIVE_TOKEN"), "GET", "/directory/proposals?text=servers");
    return page.items.some((p) => p.title === "Servers for coops");
  });

  step("a post outside the grammar is refused with the rule");
  let refused = null;
  try {
    await alpha.v1.statuses.create({ status: "Good morning!" });
  } catch (e) {
    refused = e;
  }
  assert(refused && String(refused.message).includes("#need or #offer"), `refusal: ${refused}`);

  step("the giver deletes its offer; the stream and beta see it go");
  const deleted = await alpha.v1.statuses.$select(offer.id).remove();
  assert((deleted.text || "").includes("#offer"), "redraft text");
  await eventually("the offer gone at beta", async () => {
    const page = await native(BETA, env("BETA_NATIVE_TOKEN"), "GET", "/directory/proposals?text=servers");
    return !page.items.some((p) => p.title === "Servers for coops");
  });
  await eventually("the delete event", () => events.some((e) => e.event === "delete" && e.payload === offer.id));

  step("the giver plans a gathering; masto reads it as a status, live and in timelines");
  const later = new Date(Date.now() + 10 * 24 * 3600 * 1000);
  const at = (hour) => `${later.toISOString().slice(0, 10)}T${hour}:00:00Z`;
  const planned = await native(ALPHA, env("ALPHA_NATIVE_TOKEN"), "POST", "/gatherings", {
    title: "Monthly inter-coop call", description: "Three rounds.",
    starts_at: at("15"), ends_at: at("16"), time_zone: "UTC", languages: ["en"],
  });
  await eventually("the gathering's update event", () =>
    events.some((e) => e.event === "update" && e.payload.id === planned.id));
  const announced = await alpha.v1.statuses.$select(planned.id).fetch();
  assert(announced.account.acct === "giver", "announced by the giver");
  assert(announced.url === planned.url, `its page: ${announced.url}`);
  assert(announced.content.includes("Monthly inter-coop call"), "its title");
  const local = await alpha.v1.timelines.public.list({ local: true, limit: 5 });
  assert(local[0] && local[0].id === planned.id, "newest in the local timeline");
  let kept = null;
  try {
    await alpha.v1.statuses.$select(planned.id).remove();
  } catch (e) {
    kept = e;
  }
  assert(kept && kept.statusCode === 422 && String(kept.message).includes(planned.url), `delete refused: ${kept}`);
  subscription.unsubscribe();
  streaming.close();

  step("the seeker unfollows");
  const rel = await beta.v1.accounts.$select(giverThere.id).unfollow();
  assert(!rel.following && !rel.requested, "unfollowed");

  step("revoke the token; it stops working");
  await alphaOAuth.revoke({ clientId: alphaApp.clientId, clientSecret: alphaApp.clientSecret, token: alphaToken.accessToken });
  let denied = null;
  try {
    await alpha.v1.accounts.verifyCredentials();
  } catch (e) {
    denied = e;
  }
  assert(denied && denied.statusCode === 401, `after revoke: ${denied}`);
  console.log("all steps passed");
}

main().then(
  () => process.exit(0),
  (e) => {
    console.log(`FAILED at '${current}': ${e && e.stack ? e.stack : e}`);
    console.log(`stream: ${events.length} events (${events.map((x) => x.event).join(", ")}); error: ${streamError}`);
    process.exit(1);
  },
);

// An independent ActivityPub server built with Fedify (not our code), for
// the interop test in ../tests/fedify.rs. It runs two listeners:
//
// - the peer itself, over http (Intercoop allows http in development mode):
//   one Person actor `peer` with an RSA key, WebFinger, an inbox that
//   answers Follows with Accept and records every activity Fedify verified,
//   and a small control API the test drives (/control/...);
// - a TLS front for the Intercoop node under test, because Fedify resolves
//   `acct:` handles over https only. It terminates TLS with a self-signed
//   certificate that only this process trusts and forwards to the node's
//   plain http port, keeping the Host header, as a reverse proxy does.
//
// Every connection goes to loopback: the names below are resolved by this
// process from PEER_RESOLVE and nothing else.
//
// Environment:
//   PEER_BIND      ip:port the peer listens on
//   PEER_HOST      host:port other servers reach the peer as (fedify.test:port)
//   FRONT_BIND     ip:port the TLS front listens on
//   FRONT_HOST     the node's public host name (alpha.test)
//   FRONT_UPSTREAM ip:port of the node's http listener
//   PEER_RESOLVE   host=ip,... for every name this process connects to
//
// Prints one line `ready` on stdout once both listeners accept connections.

import http from "node:http";
import https from "node:https";
import { randomUUID } from "node:crypto";

import {
  Accept,
  Create,
  Delete,
  Endpoints,
  Event,
  Follow,
  Join,
  Leave,
  MemoryKvStore,
  Note,
  Person,
  Reject,
  Undo,
  Update,
  createFederation,
  generateCryptoKeyPair,
  signRequest,
} from "@fedify/fedify";
import { Temporal } from "@js-temporal/polyfill";
import selfsigned from "selfsigned";
import { Agent, setGlobalDispatcher } from "undici";

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`missing ${name}`);
    process.exit(2);
  }
  return value;
};
const split = (address) => {
  const at = address.lastIndexOf(":");
  return { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
};

const PEER_BIND = split(env("PEER_BIND"));
const PEER_HOST = env("PEER_HOST");
const FRONT_BIND = split(env("FRONT_BIND"));
const FRONT_HOST = env("FRONT_HOST");
const FRONT_UPSTREAM = split(env("FRONT_UPSTREAM"));
const RESOLVE = new Map(
  env("PEER_RESOLVE")
    .split(",")
    .map((pair) => pair.split("=")),
);

// --- outgoing connections: test names only, our CA only -------------------

const tls = await selfsigned.generate([{ name: "commonName", value: FRONT_HOST }], {
  keySize: 2048,
  days: 2,
  extensions: [{ name: "subjectAltName", altNames: [{ type: 2, value: FRONT_HOST }] }],
});

setGlobalDispatcher(
  new Agent({
    connect: {
      ca: tls.cert,
      lookup(hostname, options, callback) {
        const address = RESOLVE.get(hostname);
        if (!address) {
          callback(new Error(`${hostname} is not a test host`));
        } else if (options && options.all) {
          callback(null, [{ address, family: 4 }]);
        } else {
          callback(null, address, 4);
        }
      },
    },
  }),
);

// --- the Fedify peer ------------------------------------------------------

const IDENTIFIER = "peer";
const keyPair = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
let displayName = "Fedify peer";

/** Activities Fedify verified and passed to a listener, in arrival order. */
const received = [];
/** Raw JSON of every body posted to an inbox, by activity id. */
const rawById = new Map();
/** How each posted activity was signed ("rfc9421" or "draft-cavage"), by id. */
const specById = new Map();
/** Actors that follow the peer (accepted at once), by id. */
const followers = new Map();
/** Ids of the Follows the peer sent, by the followed actor's id. */
const sentFollows = new Map();
/** The Joins the peer sent and to whom, by the Event's id. */
const sentJoins = new Map();
/** The peer's own gathering, ten days ahead, for an hour and a half. */
const eventStart = Temporal.Now.instant().add({ hours: 240 }).round({ smallestUnit: "minute" });
const eventEnd = eventStart.add({ minutes: 90 });

const federation = createFederation({
  kv: new MemoryKvStore(),
  allowPrivateAddress: true,
});

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== IDENTIFIER) return null;
    const keys = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: displayName,
      summary: "An ActivityPub server built with Fedify, for interop tests.",
      inbox: ctx.getInboxUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      publicKey: keys[0].cryptographicKey,
    });
  })
  .setKeyPairsDispatcher(async (_ctx, identifier) =>
    identifier === IDENTIFIER ? [keyPair] : [],
  );

// A gathering of the peer's, as Fedify's vocabulary writes an Event.
federation.setObjectDispatcher(Event, "/events/{id}", async (ctx, values) => {
  if (values.id !== "call") return null;
  return new Event({
    id: ctx.getObjectUri(Event, values),
    name: "Fedify's gathering",
    content: "<p>Hosted by an independent server.</p>",
    startTime: eventStart,
    endTime: eventEnd,
    attribution: ctx.getActorUri(IDENTIFIER),
    url: ctx.getObjectUri(Event, values),
  });
});

function record(kind) {
  return async (ctx, activity) => {
    const id = activity.id?.href ?? null;
    // What Fedify's vocabulary made of an embedded object (an `Event` ...).
    let objectClass = null;
    if (kind === "Create" || kind === "Update") {
      const object = await activity.getObject(ctx);
      objectClass = object?.constructor?.name ?? null;
    }
    received.push({
      type: kind,
      id,
      actor: activity.actorId?.href ?? null,
      object: activity.objectId?.href ?? null,
      objectClass,
      raw: id ? (rawById.get(id) ?? null) : null,
      spec: id ? (specById.get(id) ?? null) : null,
    });
    if (kind === "Follow") {
      const follower = await activity.getActor(ctx);
      if (follower == null || follower.id == null) return;
      followers.set(follower.id.href, follower);
      await ctx.sendActivity(
        { identifier: IDENTIFIER },
        follower,
        new Accept({
          id: new URL(`/accepts/${randomUUID()}`, ctx.getActorUri(IDENTIFIER)),
          actor: ctx.getActorUri(IDENTIFIER),
          object: activity,
        }),
      );
    }
    if (kind === "Join") {
      // Joins of the peer's gathering are accepted, as Mobilizon does for
      // an event open to all.
      const joiner = await activity.getActor(ctx);
      if (joiner == null || joiner.id == null) return;
      await ctx.sendActivity(
        { identifier: IDENTIFIER },
        joiner,
        new Accept({
          id: new URL(`/accepts/${randomUUID()}`, ctx.getActorUri(IDENTIFIER)),
          actor: ctx.getActorUri(IDENTIFIER),
          object: activity,
        }),
      );
    }
    if (kind === "Undo") {
      const object = await activity.getObject(ctx);
      if (object instanceof Follow && activity.actorId) followers.delete(activity.actorId.href);
    }
  };
}

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Follow, record("Follow"))
  .on(Accept, record("Accept"))
  .on(Reject, record("Reject"))
  .on(Join, record("Join"))
  .on(Leave, record("Leave"))
  .on(Create, record("Create"))
  .on(Update, record("Update"))
  .on(Delete, record("Delete"))
  .on(Undo, record("Undo"))
  .onError((_ctx, error) => console.error("inbox error:", error));

// --- control API for the test ---------------------------------------------

const json = (status, body) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });

function follower(id) {
  const actor = followers.get(id);
  if (!actor) throw new Error(`${id} does not follow the peer`);
  return actor;
}

async function control(request, ctx) {
  const path = new URL(request.url).pathname;
  const body = request.method === "POST" ? await request.json() : {};
  const me = ctx.getActorUri(IDENTIFIER);
  const sender = { identifier: IDENTIFIER };
  const activityId = () => new URL(`/activities/${randomUUID()}`, me);
  switch (`${request.method} ${path}`) {
    case "GET /control/received":
      return json(200, { received, followers: [...followers.keys()] });
    case "GET /control/event":
      return json(200, { url: ctx.getObjectUri(Event, { id: "call" }).href, start: eventStart.toString() });
    case "POST /control/follow": {
      // WebFinger (acct: over https, through the TLS front), then the actor,
      // fetched signed by the peer (a node in authorized-fetch mode serves
      // its full actor document only to signed requests).
      const documentLoader = await ctx.getDocumentLoader(sender);
      const actor = await ctx.lookupObject(body.handle, { documentLoader });
      if (actor == null || actor.id == null) return json(404, { error: `cannot find ${body.handle}` });
      const follow = new Follow({ id: activityId(), actor: me, object: actor.id });
      await ctx.sendActivity(sender, actor, follow);
      sentFollows.set(actor.id.href, { follow, actor });
      const icon = await actor.getIcon({ documentLoader });
      return json(200, {
        actor: actor.id.href,
        follow: follow.id.href,
        type: actor.constructor.name,
        // Only the full actor document names its followers collection.
        followers: actor.followersId?.href ?? null,
        // The avatar, as Fedify's vocabulary reads it.
        icon: icon?.url?.href ?? null,
        iconType: icon?.mediaType ?? null,
      });
    }
    case "POST /control/join": {
      // Fetches the gathering by URL and reads it with Fedify's vocabulary,
      // then joins it as Mobilizon's participants do: a Join of the Event,
      // sent to its organiser.
      const documentLoader = await ctx.getDocumentLoader(sender);
      const event = await ctx.lookupObject(body.event, { documentLoader });
      if (!(event instanceof Event)) {
        return json(422, { error: `not an Event: ${event?.constructor?.name ?? "nothing"}` });
      }
      const organiser = await event.getAttribution({ documentLoader });
      if (organiser == null || organiser.id == null) return json(422, { error: "no organiser" });
      const join = new Join({ id: activityId(), actor: me, object: event.id });
      await ctx.sendActivity(sender, organiser, join);
      sentJoins.set(event.id.href, { organiser });
      const url = event.url;
      return json(200, {
        join: join.id.href,
        type: event.constructor.name,
        name: event.name?.toString() ?? null,
        startTime: event.startTime?.toString() ?? null,
        endTime: event.endTime?.toString() ?? null,
        url: url?.href?.href ?? url?.href ?? null,
        organiser: organiser.id.href,
        organiserType: organiser.constructor.name,
      });
    }
    case "POST /control/leave": {
      const sent = sentJoins.get(body.event);
      if (!sent) return json(404, { error: "not joined" });
      await ctx.sendActivity(
        sender,
        sent.organiser,
        new Leave({ id: activityId(), actor: me, object: new URL(body.event) }),
      );
      sentJoins.delete(body.event);
      return json(200, {});
    }
    case "POST /control/unfollow": {
      const sent = sentFollows.get(body.actor);
      if (!sent) return json(404, { error: "not following" });
      await ctx.sendActivity(
        sender,
        sent.actor,
        new Undo({ id: activityId(), actor: me, object: sent.follow }),
      );
      sentFollows.delete(body.actor);
      return json(200, {});
    }
    case "POST /control/note": {
      // A plain post, through Fedify's own outbox.
      const id = activityId();
      const note = new Note({
        id: new URL(`/notes/${randomUUID()}`, me),
        attribution: me,
        content: body.content,
        to: new URL("https://www.w3.org/ns/activitystreams#Public"),
      });
      await ctx.sendActivity(
        sender,
        follower(body.to),
        new Create({ id, actor: me, object: note, to: note.toId }),
      );
      return json(200, { id: id.href });
    }
    case "POST /control/rename": {
      displayName = body.name;
      const actor = await ctx.getActor(IDENTIFIER);
      const id = activityId();
      await ctx.sendActivity(sender, follower(body.to), new Update({ id, actor: me, object: actor }));
      return json(200, { id: id.href });
    }
    case "POST /control/raw": {
      // An activity Fedify's vocabulary cannot express (FEP-0837 fields),
      // signed with Fedify's own signer (draft-cavage unless `spec` says
      // "rfc9421") and posted as is; `tamper` changes the body after
      // signing, which the receiver must refuse.
      const target = follower(body.to);
      const inbox = target.endpoints?.sharedInbox ?? target.inboxId;
      const activity = body.activity;
      const signed = await signRequest(
        new Request(inbox, {
          method: "POST",
          headers: { "Content-Type": "application/activity+json" },
          body: JSON.stringify(activity),
        }),
        keyPair.privateKey,
        new URL("#main-key", me),
        { spec: body.spec ?? "draft-cavage-http-signatures-12" },
      );
      const request = body.tamper
        ? new Request(signed, { body: JSON.stringify({ ...activity, tampered: true }) })
        : signed;
      const response = await fetch(request);
      return json(200, {
        status: response.status,
        body: await response.text(),
        signatureInput: signed.headers.get("Signature-Input"),
      });
    }
    default:
      return json(404, { error: `no ${request.method} ${path}` });
  }
}

// --- http plumbing ----------------------------------------------------------

function toRequest(req, body) {
  const url = `http://${req.headers.host ?? PEER_HOST}${req.url}`;
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) value.forEach((v) => headers.append(name, v));
    else if (value != null) headers.set(name, value);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(url, { method: req.method, headers, body: hasBody ? body : undefined });
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

const peer = http.createServer(async (req, res) => {
  try {
    const body = await readBody(req);
    const request = toRequest(req, body);
    let response;
    if (req.url.startsWith("/control/")) {
      response = await control(request, federation.createContext(request, undefined));
    } else {
      if (req.method === "POST" && body.length > 0) {
        try {
          const parsed = JSON.parse(body.toString("utf8"));
          if (typeof parsed.id === "string") {
            rawById.set(parsed.id, parsed);
            specById.set(parsed.id, req.headers["signature-input"] ? "rfc9421" : "draft-cavage");
          }
        } catch {
          // Fedify answers malformed bodies itself.
        }
      }
      response = await federation.fetch(request, { contextData: undefined });
    }
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (error) {
    console.error(`${req.method} ${req.url}:`, error);
    res.writeHead(500, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ error: String(error) }));
  }
});

const front = https.createServer({ key: tls.private, cert: tls.cert }, (req, res) => {
  const upstream = http.request(
    {
      host: FRONT_UPSTREAM.host,
      port: FRONT_UPSTREAM.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, "x-forwarded-proto": "https" },
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on("error", (error) => {
    res.writeHead(502, { "Content-Type": "text/plain" });
    res.end(String(error));
  });
  req.pipe(upstream);
});

await Promise.all([
  new Promise((resolve) => peer.listen(PEER_BIND.port, PEER_BIND.host, resolve)),
  new Promise((resolve) => front.listen(FRONT_BIND.port, FRONT_BIND.host, resolve)),
]);
console.log("ready");

// The test kills this process; stop anyway if the test runner vanished.
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();

// Part of the 2022 seed meeting (Direktionen, 25 April 2022) through a TypeScript client generated from
// openapi/openapi.json with openapi-typescript and called with openapi-fetch: what a front-end's
// developer would write. It must type-check with `tsc --strict` and pass against a running service.
//
//   node build/scenario.js <base URL> <path to the dagsorden binary>
//
// Tokens come from the service's `token` command (with the service's DAGSORDEN_TOKEN_SECRET and
// DATABASE_URL in the environment).

import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";

import createClient from "openapi-fetch";

import type { components, paths } from "./generated/schema.js";

type Schemas = components["schemas"];

const [baseArgument, binaryArgument] = process.argv.slice(2);
if (!baseArgument || !binaryArgument) {
  throw new Error("usage: node build/scenario.js <base URL> <dagsorden binary>");
}
const base: string = baseArgument;
const binary: string = binaryArgument;
const run = randomUUID().slice(0, 8);
const marker = "FORTROLIGT-4409";

function check(condition: boolean, what: string): void {
  if (!condition) {
    throw new Error(`FAILED: ${what}`);
  }
  console.log(`ok  ${what}`);
}

/** The body of an answer that must have succeeded. */
function body<T>(answer: { data?: T; error?: unknown; response: Response }, what: string): T {
  if (answer.data === undefined) {
    throw new Error(`FAILED: ${what}: ${answer.response.status} ${JSON.stringify(answer.error)}`);
  }
  console.log(`ok  ${what} (${answer.response.status})`);
  return answer.data;
}

function client(subject: string, groups: string[] = [], roles: string[] = []) {
  const args = ["token", "--sub", subject, "--hours", "1"];
  if (groups.length > 0) args.push("--groups", groups.join(","));
  if (roles.length > 0) args.push("--roles", roles.join(","));
  const token = execFileSync(binary, args, { encoding: "utf8" }).trim();
  return createClient<paths>({ baseUrl: base, headers: { Authorization: `Bearer ${token}` } });
}

const external = {
  secretariat: `ts-${run}-sekretariatet`,
  board: `ts-${run}-direktionen`,
  readers: `ts-${run}-borgerservice`,
};
const admin = client(`ts-admin-${run}`, [], ["admin"]);
const secretary = client(`ts-secretary-${run}`, [external.secretariat]);
const reader = client(`ts-reader-${run}`, [external.readers]);

async function group(name: string, tier: Schemas["Tier"], externalId: string): Promise<number> {
  const created = await admin.POST("/v1/access-groups", { body: { name: `${name} ${run}`, tier, external_id: externalId } });
  return body(created, `group ${name}`).id;
}

const secretariat = await group("Sekretariatet", "staff", external.secretariat);
const board = await group("Direktionen", "political", external.board);
const readers = await group("Borgerservice", "unit", external.readers);
const committee = body(
  await admin.POST("/v1/committees", {
    body: { name: `Direktionen ${run}`, kind: "executive_board", owner_group_id: secretariat, publication: "internal" },
  }),
  "committee",
);
const grants: [number, Schemas["CommitteeRole"]][] = [
  [secretariat, "secretary"],
  [board, "member"],
  [readers, "reader"],
];
for (const [group_id, role] of grants) {
  body(
    await admin.POST("/v1/committees/{id}/grants", { params: { path: { id: committee.id } }, body: { group_id, role } }),
    `grant ${role}`,
  );
}

const meeting = body(
  await secretary.POST("/v1/meetings", {
    body: {
      committee_id: committee.id,
      title: "Direktionsmøde",
      starts_at: "2022-04-25T12:30:00+02:00",
      location: "Ung - Sprog Kalundborg",
    },
    params: { header: { "Idempotency-Key": `ts-meeting-${run}` } },
  }),
  "meeting 25 April 2022",
);
check(meeting.status === "draft", "a new meeting is a draft");

const agenda: Schemas["NewItem"][] = [
  { title: "Decentrale direktionsmøder - Ung - Sprog Kalundborg", case_number: "21-046857K", case_type: "information" },
  {
    title: "Implementering af FirstAgenda",
    case_number: "22-003462",
    case_type: "decision",
    recommendation: "Sekretariatschefen indstiller, at strategien for implementering af FirstAgenda godkendes.",
  },
  { title: "Status, Økonomiudvalget", closed: true, legal_basis: "offentlighedsloven_33_3", case_number: "22-005112", summary: `${marker}: fortrolig status.` },
];
const items: Schemas["AgendaItemView"][] = [];
for (const item of agenda) {
  items.push(
    body(
      await secretary.POST("/v1/meetings/{id}/items", { params: { path: { id: meeting.id } }, body: item }),
      `item ${item.title}`,
    ),
  );
}

const current = await secretary.GET("/v1/meetings/{id}", { params: { path: { id: meeting.id } } });
const etag = current.response.headers.get("etag");
check(etag !== null, "the meeting answers with its ETag");
const published = body(
  await secretary.POST("/v1/meetings/{id}/publish-agenda", {
    params: { path: { id: meeting.id }, header: { "If-Match": etag ?? "" } },
    body: {},
  }),
  "publish the agenda",
);
check(published.published?.number === 1 && published.meeting.status === "agenda_published", "agenda version 1 is published");

const stale = await secretary.POST("/v1/meetings/{id}/publish-agenda", {
  params: { path: { id: meeting.id }, header: { "If-Match": etag ?? "" } },
  body: { reason: "Rettelse" },
});
check(stale.response.status === 412 && stale.error?.type === "/problems/precondition-failed", "a stale ETag is refused with a problem");

const version = body(
  await reader.GET("/v1/meetings/{id}/published/{kind}/{number}", {
    params: { path: { id: meeting.id, kind: "agenda", number: 1 } },
  }),
  "the reader reads the published agenda",
);
const closed = version.items.find((entry) => entry.closed);
check(closed !== undefined && !("summary" in closed) && closed.title === "Status, Økonomiudvalget", "the closed item is its title only");
check(closed !== undefined && closed.legal_basis === "offentlighedsloven_33_3", "the reader is told why it is closed");
const open = version.items.find((entry): entry is Schemas["DocumentItem"] => "id" in entry && !entry.closed && entry.number === 2);
check(open?.recommendation?.startsWith("Sekretariatschefen") === true, "the open item is read in full");
check(!JSON.stringify(version).includes(marker), "nothing of the closed item's content reaches the reader");

const hidden = await reader.GET("/v1/items/{id}", { params: { path: { id: items[2]?.id ?? 0 } } });
check(hidden.data !== undefined && !("summary" in hidden.data), "the reader reads the closed item as number and title");

const outsider = client(`ts-outsider-${run}`);
const refused = await outsider.GET("/v1/meetings/{id}", { params: { path: { id: meeting.id } } });
check(refused.response.status === 404 && refused.error?.type === "/problems/not-found", "someone without a role gets 404");
console.log("the 2022 seed meeting went through the generated TypeScript client");

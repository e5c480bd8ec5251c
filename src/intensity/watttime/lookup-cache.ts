import { createHash } from "node:crypto";
import { z } from "zod";
import { jsonFiles } from "../cache.js";
import type { Redactor } from "../../text/redact.js";
import type { PlanAccess } from "./endpoints.js";

/**
 * A plan changes rarely (an upgrade, a lapsed subscription); a day-old answer keeps a rerun free of logins and
 * shows a change by the next day. `--no-cache`, or deleting the file, shows it at once.
 */
const ACCESS_FRESH_MS = 24 * 3_600_000;

const AccessFile = z.object({
  version: z.literal(1),
  fetchedAtMs: z.number().int(),
  historical: z.array(z.string()),
  current: z.array(z.string()),
});

// A zone code is WattTime's (letters, digits, underscores): anything else in the file was not written by us, and
// would go into requests and messages. Such a file is a miss, and the place is looked up again.
const ZoneFile = z.object({ version: z.literal(1), latitude: z.number(), longitude: z.number(), zone: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });

/** The answers of /v3/my-access (per account) and /v3/region-from-loc (per place), kept on disk. */
export interface LookupCache {
  readAccess(nowMs: number): Promise<PlanAccess | null>;
  writeAccess(access: PlanAccess, nowMs: number): Promise<void>;
  readZone(latitude: number, longitude: number): Promise<string | null>;
  writeZone(latitude: number, longitude: number, zone: string): Promise<void>;
}

/**
 * The file name of an account's my-access answer: a hash of the API URL and the username, so two accounts (or a
 * test server and the real API) never share an answer, and the file tells nobody whose it is. The password
 * plays no part: a file named after it would be a way to check guesses of it.
 */
export function accountKey(baseUrl: string, username: string): string {
  return createHash("sha256").update(`${baseUrl}\n${username}`).digest("hex").slice(0, 32);
}

export function lookupCache(cacheDir: string, account: { baseUrl: string; username: string }, redactor: Redactor): LookupCache {
  const files = jsonFiles(cacheDir, redactor);
  const accessFile = ["watttime", "my-access", accountKey(account.baseUrl, account.username)];
  // A zone is a fact about the grid at a place, not about the account: kept for good.
  const zoneFile = (latitude: number, longitude: number): string[] => ["watttime", "region-from-loc", "co2_moer", `${latitude}_${longitude}`];
  return {
    async readAccess(nowMs) {
      const parsed = AccessFile.safeParse(await files.read(accessFile));
      if (!parsed.success || nowMs - parsed.data.fetchedAtMs >= ACCESS_FRESH_MS || parsed.data.fetchedAtMs > nowMs) return null;
      return { historical: new Set(parsed.data.historical), current: new Set(parsed.data.current) };
    },
    writeAccess: (access, nowMs) =>
      files.write(accessFile, { version: 1, fetchedAtMs: nowMs, historical: [...access.historical].sort(), current: [...access.current].sort() }),
    async readZone(latitude, longitude) {
      const parsed = ZoneFile.safeParse(await files.read(zoneFile(latitude, longitude)));
      return parsed.success && parsed.data.latitude === latitude && parsed.data.longitude === longitude ? parsed.data.zone : null;
    },
    writeZone: (latitude, longitude, zone) => files.write(zoneFile(latitude, longitude), { version: 1, latitude, longitude, zone }),
  };
}

import { readFileSync, statSync } from "node:fs";
import { MIN_SECRET_LENGTH } from "./redact.js";

/**
 * A variable holds a credential when a part of its name is, or ends in, one of these words:
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AZURE_CLIENT_SECRET, WATTTIME_PASSWORD, ELECTRICITYMAPS_API_KEY,
 * CARBON_TRACK_SIGNING_KEY, GITHUB_TOKEN, ACTIONS_ID_TOKEN_REQUEST_TOKEN… A user name is not a secret.
 */
const SECRET_WORD = "(?:^|[^A-Z0-9])[A-Z0-9]*(?:SECRET|TOKEN|PASSWORD|PASSWD|PASSPHRASE|KEY|CREDENTIALS?)";
const SECRET_NAME = new RegExp(`${SECRET_WORD}(?![A-Z0-9])`, "i");
/** In a credential file, the word ends the key: private_key, client_secret, refresh_token, not token_url or private_key_id. */
const SECRET_KEY = new RegExp(`${SECRET_WORD}$`, "i");
/** Names that match but choose a credential rather than hold one. */
const NOT_SECRET = new Set(["AZURE_TOKEN_CREDENTIALS"]);
/** Variables that name a file holding credentials: the file's secrets are known, the path itself is not one. */
const NAMES_A_FILE = /(?:_FILE|_PATH)$|^GOOGLE_APPLICATION_CREDENTIALS$/i;
/** A credential file is small; anything larger (or not a regular file) is not read. */
const MAX_FILE_BYTES = 64 * 1024;

function readSmallFile(path: string): string | null {
  try {
    const stat = statSync(path);
    if (!stat.isFile() || stat.size > MAX_FILE_BYTES) return null;
    return readFileSync(path, "utf8");
  } catch {
    // Missing or unreadable: the provider that needs it says so.
    return null;
  }
}

/** String values under secret-looking keys, at any depth (private_key, client_secret, refresh_token). */
function secretsInJson(value: unknown, key: string, found: string[]): void {
  if (typeof value === "string") {
    if (SECRET_KEY.test(key)) found.push(value);
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) secretsInJson(v, k, found);
  }
}

/**
 * The secrets of a credential file: in JSON (a service account key, an external account), the values under
 * secret-looking keys, and the subject token of the file its `credential_source` names; in `name = value` lines
 * (AWS's credentials file), the values of secret-looking names; otherwise (a token file) the whole content.
 */
function secretsInFile(path: string): string[] {
  const text = readSmallFile(path);
  if (text === null) return [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const pairs = [...text.matchAll(/^\s*([A-Za-z0-9_.-]+)\s*=\s*(.+?)\s*$/gm)];
    if (pairs.length === 0) return [text];
    return pairs.filter(([, name]) => SECRET_KEY.test(name!)).map(([, , value]) => value!);
  }
  const found: string[] = [];
  secretsInJson(json, "", found);
  const source = (json as { credential_source?: { file?: unknown } } | null)?.credential_source?.file;
  const subject = typeof source === "string" ? readSmallFile(source) : null;
  if (subject !== null) found.push(subject);
  return found;
}

/** Every credential the environment holds, directly or in the files it names, long enough to be told apart. */
export function secretsInEnvironment(env: NodeJS.ProcessEnv): string[] {
  const found: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!value || !SECRET_NAME.test(name) || NOT_SECRET.has(name.toUpperCase())) continue;
    if (NAMES_A_FILE.test(name)) found.push(...secretsInFile(value));
    else found.push(value);
  }
  return found.map((s) => s.trim()).filter((s) => s.length >= MIN_SECRET_LENGTH);
}

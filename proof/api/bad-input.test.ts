// A corpus of malformed requests sent byte for byte to the BUILT API over raw TCP, on PostgreSQL and on PGlite.
// Each must get a 4xx JSON answer ({ error, message }) and never a 5xx. A few are refused by Node's own HTTP parser
// before Express sees them: a bare 4xx and a closed connection (`node` says why). After it all the server still works.
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, type RunningServer } from "../support/index.mjs";
import {
  listAll,
  postJson,
  rawRequest,
  requireApiBuilt,
  sendRaw,
  type RawOptions,
  type Row,
} from "./helpers.ts";

interface Case {
  name: string;
  request: Buffer;
  status: number;
  /** The JSON `error` code the app answers with. */
  error?: string;
  /** Why Node's HTTP layer answers instead of the app (then: bare status, no JSON, connection closed). */
  node?: string;
  options?: RawOptions;
}

const json = (name: string, body: string | Buffer, status: number, error: string): Case => ({
  name,
  request: postJson(body),
  status,
  error,
});
const invalidJson = (name: string, body: string | Buffer): Case => json(name, body, 400, "invalid_json");
const invalidNote = (name: string, body: string | Buffer): Case => json(name, body, 400, "validation_failed");
const withType = (contentType: string, body: string | Buffer = '{"text":"hi"}') =>
  rawRequest({ method: "POST", path: "/notes", headers: [["Content-Type", contentType]], body });
const encoded = (encoding: string, body: Buffer) => postJson(body, [["Content-Encoding", encoding]]);
const get = (path: string, headers: [string, string][] = []) => rawRequest({ path, headers });
const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p))));
const head = (text: string) => Buffer.from(text, "latin1");
const nodeRejects = (
  name: string,
  request: Buffer,
  why: string,
  status = 400,
  options?: RawOptions,
): Case => ({ name, request, status, node: why, options });

const bigText = JSON.stringify({ text: "x".repeat(20 * 1024) });
const chunked = (body: string) => `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;

const corpus: Case[] = [
  // Broken JSON.
  invalidJson("a lone opening brace", "{"),
  invalidJson("an unterminated object", '{"text": "a"'),
  invalidJson("an unterminated string", '{"text": "a}'),
  invalidJson("single-quoted strings", "{'text': 'a'}"),
  invalidJson("an unquoted key", '{text: "a"}'),
  invalidJson("a trailing comma", '{"text": "a",}'),
  invalidJson("an extra closing brace", '{"text": "a"}}'),
  invalidJson("two JSON values back to back", '{"text": "a"} {"text": "b"}'),
  invalidJson("an invalid escape", '{"text": "\\q"}'),
  invalidJson("a short \\u escape", '{"text": "\\u12"}'),
  invalidJson("NaN", '{"text": NaN}'),
  invalidJson("undefined", '{"text": undefined}'),
  invalidJson("a hex number", '{"text": 0x10}'),
  invalidJson("a comment", '{"text": "a" /* hi */}'),
  invalidJson("a raw newline inside a string", '{"text": "line\nbreak"}'),
  invalidJson("whitespace only", "   \n\t  "),
  invalidJson("XML sent as JSON", "<note><text>a</text></note>"),
  invalidJson("a top-level string (strict mode)", '"just text"'),
  invalidJson("a top-level number (strict mode)", "42"),
  invalidJson("a top-level null (strict mode)", "null"),
  invalidJson("a top-level true (strict mode)", "true"),

  // Well-formed JSON of the wrong shape.
  invalidNote("an empty array", "[]"),
  invalidNote("an array holding a valid note", '[{"text": "a"}]'),
  invalidNote("an empty object", "{}"),
  invalidNote("an empty body (Content-Length: 0)", ""),
  invalidNote("text as a number", '{"text": 42}'),
  invalidNote("text as null", '{"text": null}'),
  invalidNote("text as a boolean", '{"text": true}'),
  invalidNote("text as an array", '{"text": ["a"]}'),
  invalidNote("text as a nested object", '{"text": {"value": "a"}}'),
  invalidNote("text as 1e999 (Infinity)", '{"text": 1e999}'),
  invalidNote("a duplicate key whose last value is a number", '{"text": "a", "text": 5}'),
  invalidNote("an extra key", '{"text": "a", "extra": 1}'),
  invalidNote("the key in the wrong case", '{"Text": "a"}'),
  invalidNote("a __proto__ key", '{"__proto__": {"text": "a"}}'),
  invalidNote(
    "a constructor.prototype key",
    '{"text": "a", "constructor": {"prototype": {"polluted": true}}}',
  ),
  invalidNote("arrays nested 5000 deep", "[".repeat(5000) + "]".repeat(5000)),
  invalidNote("empty text", '{"text": ""}'),
  invalidNote("whitespace-only text", '{"text": " \\t\\n "}'),
  invalidNote("281 characters", JSON.stringify({ text: "x".repeat(281) })),

  // Too big.
  json("a 20 KB body", bigText, 413, "payload_too_large"),
  json("a 1 MB body", JSON.stringify({ text: "x".repeat(1024 * 1024) }), 413, "payload_too_large"),
  {
    name: "a 20 KB chunked body (no Content-Length)",
    request: rawRequest({
      method: "POST",
      path: "/notes",
      headers: [
        ["Content-Type", "application/json"],
        ["Transfer-Encoding", "chunked"],
      ],
      body: chunked(bigText),
    }),
    status: 413,
    error: "payload_too_large",
  },
  {
    name: "a gzip bomb (1 MB of spaces, 1 KB on the wire)",
    request: encoded("gzip", gzipSync(Buffer.alloc(1024 * 1024, " "))),
    status: 413,
    error: "payload_too_large",
  },

  // Content types.
  { name: "text/plain", request: withType("text/plain"), status: 415, error: "unsupported_media_type" },
  {
    name: "no Content-Type",
    request: rawRequest({ method: "POST", path: "/notes", body: '{"text":"hi"}' }),
    status: 415,
    error: "unsupported_media_type",
  },
  {
    name: "form-urlencoded",
    request: withType("application/x-www-form-urlencoded", "text=hi"),
    status: 415,
    error: "unsupported_media_type",
  },
  {
    name: "multipart/form-data",
    request: withType(
      "multipart/form-data; boundary=XX",
      '--XX\r\nContent-Disposition: form-data; name="text"\r\n\r\nhi\r\n--XX--\r\n',
    ),
    status: 415,
    error: "unsupported_media_type",
  },
  {
    name: "application/xml",
    request: withType("application/xml", "<text>hi</text>"),
    status: 415,
    error: "unsupported_media_type",
  },
  { name: "text/json", request: withType("text/json"), status: 415, error: "unsupported_media_type" },
  {
    name: "application/vnd.api+json",
    request: withType("application/vnd.api+json"),
    status: 415,
    error: "unsupported_media_type",
  },
  {
    name: "an unparseable Content-Type",
    request: withType(";;;"),
    status: 415,
    error: "unsupported_media_type",
  },
  {
    name: "charset=latin1",
    request: withType("application/json; charset=latin1"),
    status: 415,
    error: "unsupported_charset",
  },
  {
    name: "charset=utf-bogus",
    request: withType("application/json; charset=utf-bogus"),
    status: 415,
    error: "unsupported_charset",
  },
  {
    name: "charset=utf-16 on a UTF-8 body",
    request: withType("application/json; charset=utf-16"),
    status: 400,
    error: "invalid_json",
  },
  invalidJson("a UTF-16LE body with no charset", Buffer.from('{"text":"hi"}', "utf16le")),

  // Content encodings.
  {
    name: "Content-Encoding: gzip with a garbage body",
    request: encoded("gzip", Buffer.from("not gzip at all")),
    status: 400,
    error: "bad_request",
  },
  {
    name: "Content-Encoding: br with a garbage body",
    request: encoded("br", Buffer.from("not brotli at all")),
    status: 400,
    error: "bad_request",
  },
  {
    name: "Content-Encoding: deflate with a garbage body",
    request: encoded("deflate", Buffer.from("not deflate")),
    status: 400,
    error: "bad_request",
  },
  {
    name: "Content-Encoding: compress (unsupported)",
    request: encoded("compress", Buffer.from('{"text":"hi"}')),
    status: 415,
    error: "unsupported_encoding",
  },
  {
    name: "Content-Encoding: gzip of broken JSON",
    request: encoded("gzip", gzipSync('{"text": ')),
    status: 400,
    error: "invalid_json",
  },
  {
    name: "Content-Encoding: br of a wrong type",
    request: encoded("br", brotliCompressSync('{"text": 1}')),
    status: 400,
    error: "validation_failed",
  },
  {
    name: "Content-Encoding: deflate of an array",
    request: encoded("deflate", deflateSync("[]")),
    status: 400,
    error: "validation_failed",
  },

  // Odd paths.
  { name: "GET /%", request: get("/%"), status: 404, error: "not_found" },
  {
    name: "GET /notes/%E0%A4%A (truncated UTF-8 escape)",
    request: get("/notes/%E0%A4%A"),
    status: 400,
    error: "bad_request",
  },
  {
    name: "DELETE /notes/%E0%A4%A",
    request: rawRequest({ method: "DELETE", path: "/notes/%E0%A4%A" }),
    status: 400,
    error: "bad_request",
  },
  { name: "GET /notes/%ZZ", request: get("/notes/%ZZ"), status: 400, error: "bad_request" },
  { name: "GET //notes", request: get("//notes"), status: 404, error: "not_found" },
  {
    name: "GET /notes/../../etc/passwd",
    request: get("/notes/../../etc/passwd"),
    status: 404,
    error: "not_found",
  },
  {
    name: "GET /notes/..%2F..%2Fetc%2Fpasswd",
    request: get("/notes/..%2F..%2Fetc%2Fpasswd"),
    status: 404,
    error: "not_found",
  },
  { name: "GET an 8 KB path", request: get("/" + "a".repeat(8000)), status: 404, error: "not_found" },
  {
    name: "GET /notes/%F0%9F%92%A9 (an emoji id)",
    request: get("/notes/%F0%9F%92%A9"),
    status: 404,
    error: "not_found",
  },
  { name: "GET /notes/%00", request: get("/notes/%00"), status: 404, error: "not_found" },
  {
    name: "GET /%E2%80%AEseton (an RTL override)",
    request: get("/%E2%80%AEseton"),
    status: 404,
    error: "not_found",
  },
  {
    name: "GET /%C0%AE%C0%AE/ (overlong UTF-8 dots)",
    request: get("/%C0%AE%C0%AE/"),
    status: 404,
    error: "not_found",
  },
  {
    name: "GET /nope with Accept: text/html",
    request: get("/nope", [["Accept", "text/html"]]),
    status: 404,
    error: "not_found",
  },

  // Odd methods.
  {
    name: "PUT /notes",
    request: rawRequest({
      method: "PUT",
      path: "/notes",
      headers: [["Content-Type", "application/json"]],
      body: '{"text":"hi"}',
    }),
    status: 404,
    error: "not_found",
  },
  {
    name: "PATCH /notes",
    request: rawRequest({
      method: "PATCH",
      path: "/notes",
      headers: [["Content-Type", "application/json"]],
      body: '{"text":"hi"}',
    }),
    status: 404,
    error: "not_found",
  },
  {
    name: "PATCH /notes/some-id",
    request: rawRequest({ method: "PATCH", path: "/notes/some-id" }),
    status: 404,
    error: "not_found",
  },
  {
    name: "DELETE /notes",
    request: rawRequest({ method: "DELETE", path: "/notes" }),
    status: 404,
    error: "not_found",
  },
  {
    name: "POST /notes/some-id",
    request: rawRequest({
      method: "POST",
      path: "/notes/some-id",
      headers: [["Content-Type", "application/json"]],
      body: '{"text":"hi"}',
    }),
    status: 404,
    error: "not_found",
  },
  {
    name: "POST /health",
    request: rawRequest({ method: "POST", path: "/health" }),
    status: 404,
    error: "not_found",
  },
  {
    name: "TRACE /notes",
    request: rawRequest({ method: "TRACE", path: "/notes" }),
    status: 404,
    error: "not_found",
  },

  // Unicode that is not a valid note.
  invalidNote("281 emoji", JSON.stringify({ text: "😀".repeat(281) })),
  invalidNote(
    "Unicode whitespace only (ideographic space, NBSP, em space)",
    '{"text": "\\u3000\\u00a0\\u2003"}',
  ),
  invalidNote("a lone high surrogate in the text, escaped", '{"text": "a\\ud800b"}'),
  invalidNote("a lone low surrogate in the text, escaped", '{"text": "\\udc00"}'),
  invalidNote("an escaped NUL in the text", '{"text": "a\\u0000b"}'),
  invalidNote("only bidi controls and zero-width characters", '{"text": "\\u202e\\u2066\\u200b\\u200d"}'),
  invalidNote("only Hangul fillers", '{"text": "\\u3164\\u3164"}'),
  invalidNote("an RTL override inside the key", '{"text\\u202e": "a"}'),
  invalidNote("a lone surrogate as the key", '{"\\ud800": "a"}'),
  invalidNote("an escaped NUL inside the key", '{"text\\u0000": "a"}'),
  invalidNote("invalid UTF-8 bytes inside the key", bytes('{"te', [0xff, 0xfe], 'xt": "a"}')),
  invalidJson("a raw NUL byte inside a string", bytes('{"text": "a', [0x00], 'b"}')),
  invalidJson("an overlong UTF-8 encoding of {", bytes([0xc0, 0xbb], '"text": "a"}')),
  invalidJson("invalid UTF-8 bytes between tokens", bytes('{"text": "a"', [0xff], "}")),

  // Requests Node's HTTP parser refuses before Express runs.
  nodeRejects(
    "Content-Length shorter than the body",
    postJson('{"text":"hello"}', [["Content-Length", "5"]]),
    "the bytes past Content-Length are parsed as a second request, which is garbage",
  ),
  nodeRejects(
    "Content-Length of 1 GB, a tiny body, then the client ends its side",
    postJson('{"text":"hello"}', [["Content-Length", "1000000000"]]),
    "EOF in the middle of a declared body",
    400,
    { endAfterWrite: true },
  ),
  nodeRejects(
    "Content-Length longer than the body, then the client ends its side",
    postJson('{"text":"hello"}', [["Content-Length", "40"]]),
    "EOF in the middle of a declared body",
    400,
    {
      endAfterWrite: true,
    },
  ),
  nodeRejects(
    "Content-Length: abc",
    postJson('{"text":"hello"}', [["Content-Length", "abc"]]),
    "invalid Content-Length",
  ),
  nodeRejects(
    "two different Content-Length headers",
    postJson('{"text":"hello"}', [
      ["Content-Length", "16"],
      ["Content-Length", "17"],
    ]),
    "duplicate Content-Length",
  ),
  nodeRejects(
    "Content-Length together with Transfer-Encoding: chunked",
    postJson(chunked('{"text":"hello"}'), [
      ["Content-Length", "16"],
      ["Transfer-Encoding", "chunked"],
    ]),
    "request smuggling guard",
  ),
  nodeRejects(
    "Transfer-Encoding: foo",
    postJson('{"text":"hello"}', [["Transfer-Encoding", "foo"]]),
    "unknown final transfer coding",
  ),
  nodeRejects(
    "Transfer-Encoding: gzip (not chunked last)",
    postJson('{"text":"hello"}', [["Transfer-Encoding", "gzip"]]),
    "chunked must be the final transfer coding",
  ),
  nodeRejects(
    "a chunked body with a non-hex chunk size",
    postJson('zz\r\n{"text":"hello"}\r\n0\r\n\r\n', [["Transfer-Encoding", "chunked"]]),
    "invalid chunk size",
  ),
  nodeRejects(
    "an unknown method FOO",
    rawRequest({ method: "FOO", path: "/notes" }),
    "llhttp knows a fixed set of methods",
  ),
  nodeRejects(
    "HTTP/9.9",
    head("GET /health HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n"),
    "unsupported HTTP version",
  ),
  nodeRejects(
    "HTTP/1.1 without a Host header",
    head("GET /health HTTP/1.1\r\nConnection: close\r\n\r\n"),
    "requireHostHeader",
  ),
  nodeRejects(
    "a header line without a colon",
    head("GET /health HTTP/1.1\r\nHost: x\r\nBogus\r\nConnection: close\r\n\r\n"),
    "invalid header",
  ),
  nodeRejects(
    "whitespace before a header colon",
    head("GET /health HTTP/1.1\r\nHost: x\r\nX-A : b\r\nConnection: close\r\n\r\n"),
    "invalid header name",
  ),
  nodeRejects(
    "an obs-fold header continuation",
    head("GET /health HTTP/1.1\r\nHost: x\r\nX-A: b\r\n  c\r\nConnection: close\r\n\r\n"),
    "obsolete line folding is refused",
  ),
  nodeRejects(
    "a NUL byte in a header value",
    head("GET /health HTTP/1.1\r\nHost: x\r\nX-A: b\0c\r\nConnection: close\r\n\r\n"),
    "invalid header value character",
  ),
  nodeRejects(
    "raw (unescaped) UTF-8 in the path",
    bytes("GET /notes/", "ünï", " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    "only ASCII is allowed in the request target",
  ),
  nodeRejects(
    "a 20 KB path",
    get("/" + "a".repeat(20_000)),
    "headers larger than maxHeaderSize (16 KB) get 431",
    431,
  ),
  nodeRejects(
    "Expect: teapot",
    get("/health", [["Expect", "teapot"]]),
    "Node answers unknown expectations with 417 itself",
    417,
  ),
];

/** Valid but unusual text: accepted (201) and stored exactly as sent (after trimming). */
const unicodeAccepted: { name: string; body: string | Buffer; text: string }[] = [
  {
    name: "right-to-left text with an override",
    body: JSON.stringify({ text: "\u202eשלום עולם" }),
    text: "\u202eשלום עולם",
  },
  { name: "Arabic with combining marks", body: JSON.stringify({ text: "مَرْحَبًا" }), text: "مَرْحَبًا" },
  { name: "emoji with skin tone and ZWJ sequences", body: JSON.stringify({ text: "👍🏽 👩‍👩‍👧‍👦" }), text: "👍🏽 👩‍👩‍👧‍👦" },
  {
    name: "a UTF-8 byte-order mark before the JSON",
    body: bytes([0xef, 0xbb, 0xbf], '{"text": "bom"}'),
    text: "bom",
  },
  {
    name: "invalid UTF-8 inside the text (becomes U+FFFD)",
    body: bytes('{"text": "a', [0xff], 'b"}'),
    text: "a\ufffdb",
  },
  { name: "280 ASCII characters", body: JSON.stringify({ text: "y".repeat(280) }), text: "y".repeat(280) },
];

const databases = [
  { name: "PostgreSQL", env: {} },
  { name: "PGlite", env: { NODE_ENV: "development", DATABASE_URL: "", PGLITE_DATA_DIR: "memory://" } },
];

describe.each(databases)("bad-input corpus against the built API on $name", ({ env }) => {
  let api: RunningServer;
  beforeAll(async () => {
    requireApiBuilt();
    api = await startApi({ env: { LOG_LEVEL: "info", ...env } });
  });
  afterAll(() => api?.stop("SIGKILL"));

  /** pino lines at error level or above: 500s and crashes. */
  const errorsLogged = () =>
    api
      .output()
      .split("\n")
      .filter((line) => line.startsWith("{") && (JSON.parse(line) as { level: number }).level >= 50);

  it.each(corpus)("$name → $status", async ({ request, status, error, node, options }) => {
    const res = await sendRaw(api.port, [request], options);
    expect(res.status).toBe(status);
    if (node) {
      // Node's own answer: the app never ran, so there is no JSON body, and the connection is closed.
      expect(res.headers["content-type"]).toBeUndefined();
      expect(res.body).toBe("");
      expect(res.headers.connection).toBe("close");
      expect(res.closedByServer).toBe(true);
      return;
    }
    expect(res.headers["content-type"]).toMatch(/^application\/json; charset=utf-8$/);
    const body = JSON.parse(res.body) as { error?: unknown; message?: unknown };
    expect(body.error).toBe(error);
    expect(typeof body.message).toBe("string");
    expect(res.body).not.toMatch(/\bat .*:\d+:\d+|SyntaxError|node_modules/);
    expect(res.closedByServer).toBe(true);
  });

  it("created nothing and logged no error while answering the corpus", async () => {
    expect(await listAll(api.url)).toEqual([]);
    expect(errorsLogged()).toEqual([]);
  });

  it.each(unicodeAccepted)("accepts $name and stores it exactly", async ({ body, text }) => {
    const res = await sendRaw(api.port, [postJson(body)]);
    expect(res.status).toBe(201);
    const { note } = JSON.parse(res.body) as { note: Row };
    expect(note.text).toBe(text);
    expect(await (await fetch(`${api.url}/notes/${note.id}`)).json()).toEqual({ note });
  });

  it("still answers /health and a valid POST after everything above", async () => {
    const health = await fetch(`${api.url}/health`);
    expect(await health.json()).toEqual({ status: "ok" });
    const created = await fetch(`${api.url}/notes`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "  still alive  " }),
    });
    expect(created.status).toBe(201);
    const { note } = (await created.json()) as { note: Row };
    expect(note.text).toBe("still alive");
    expect((await listAll(api.url)).at(-1)).toEqual(note);
    expect(errorsLogged()).toEqual([]);
  });
});

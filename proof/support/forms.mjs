// What a browser without JavaScript sends when it submits one of the page's forms: Next renders a form bound to a
// Server Action with hidden fields ($ACTION_REF_n, $ACTION_n:0 holding the action's id, $ACTION_n:1 the bound
// state, $ACTION_KEY) and `action=""`, so the browser posts them, multipart, to the page's own URL.

/** The hidden fields of the form labelled `label` in `html`, decoded, in order. */
export function hiddenFields(html, label) {
  const form = [...html.matchAll(/<form\b[\s\S]*?<\/form>/g)]
    .map((m) => m[0])
    .find((f) => f.includes(`aria-label="${label}"`));
  if (!form) throw new Error(`no form labelled ${JSON.stringify(label)} on the page`);
  const decode = (value) =>
    value
      .replace(/&quot;/g, '"')
      .replace(/&#x27;/g, "'")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&");
  return [...form.matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?/g)].map((m) => [
    decode(m[1]),
    decode(m[2] ?? ""),
  ]);
}

/** The id of the Server Action a form is bound to (what a JavaScript client sends as the Next-Action header). */
export function actionId(fields) {
  for (const [name, value] of fields) {
    if (/^\$ACTION_\d+:0$/.test(name)) return JSON.parse(value).id;
    if (name.startsWith("$ACTION_ID_")) return name.slice("$ACTION_ID_".length);
  }
  throw new Error("the form carries no Server Action id");
}

/** The multipart body a browser without JavaScript posts: the hidden fields, then the visible ones. */
export function formBody(fields, visible) {
  const body = new FormData();
  for (const [name, value] of fields) body.append(name, value);
  for (const [name, value] of Object.entries(visible)) body.append(name, value);
  return body;
}

/** The same post as raw bytes (for tests that send a request in pieces): its Content-Type and body. */
export function multipart(fields) {
  const boundary = "----form-boundary-7d1f";
  const parts = fields.map(
    ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: `${parts.join("")}--${boundary}--\r\n`,
  };
}

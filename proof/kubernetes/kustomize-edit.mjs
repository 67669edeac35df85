// A stand-in for `kustomize edit set image <name>[=<newName>]@<digest>` in the current directory (kubectl has
// no `edit`, and no kustomize binary installs here): the same `images:` entry the real one writes.
import { readFileSync, writeFileSync } from "node:fs";
import { parseDocument } from "yaml";

const [edit, set, what, ref] = process.argv.slice(2);
const match = /^([^=@]+)(?:=([^@]+))?@(sha256:[0-9a-f]+)$/.exec(ref ?? "");
if (edit !== "edit" || set !== "set" || what !== "image" || !match) {
  process.stderr.write("usage: kustomize edit set image <name>[=<newName>]@<digest>\n");
  process.exit(2);
}
const [, name, newName, digest] = match;
const doc = parseDocument(readFileSync("kustomization.yaml", "utf8"));
const images = (doc.get("images")?.toJSON() ?? []).filter((image) => image.name !== name);
images.push({ name, ...(newName ? { newName } : {}), digest });
doc.set("images", images);
writeFileSync("kustomization.yaml", doc.toString());

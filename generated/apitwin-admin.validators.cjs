// Generated from openapi/apitwin-admin.yaml by `make generate` (scripts/generate-runtime.ts): do not edit.
'use strict';
exports.sourceSha256 = "5e31daba0700febf5c974f0f39b8236e4b5a6f74433c22e08222ec25be385ec0";
// By operationId: its validators, each operation in a file of its own, read when first used.
exports.operations = {
  "listJournalEntries": () => require("./apitwin-admin.validators/listJournalEntries.cjs"),
  "clearJournal": () => require("./apitwin-admin.validators/clearJournal.cjs"),
  "listFaults": () => require("./apitwin-admin.validators/listFaults.cjs"),
  "createFault": () => require("./apitwin-admin.validators/createFault.cjs"),
  "clearFaults": () => require("./apitwin-admin.validators/clearFaults.cjs"),
  "getFault": () => require("./apitwin-admin.validators/getFault.cjs"),
  "deleteFault": () => require("./apitwin-admin.validators/deleteFault.cjs"),
  "exportMaxscaleState": () => require("./apitwin-admin.validators/exportMaxscaleState.cjs"),
  "importMaxscaleState": () => require("./apitwin-admin.validators/importMaxscaleState.cjs"),
  "exportPipSessionsState": () => require("./apitwin-admin.validators/exportPipSessionsState.cjs"),
  "importPipSessionsState": () => require("./apitwin-admin.validators/importPipSessionsState.cjs"),
  "resetState": () => require("./apitwin-admin.validators/resetState.cjs"),
};

// Generated from openapi/pip-sessions.yaml by `make generate` (scripts/generate-runtime.ts): do not edit.
'use strict';
exports.sourceSha256 = "5ea06dbcb8d97b61affa2a7cc87cd38f969d4a716ff0fd970b76a84f972acfcc";
// By operationId: its validators, each operation in a file of its own, read when first used.
exports.operations = {
  "getSessions": () => require("./pip-sessions.validators/getSessions.cjs"),
  "getSessionsUnversioned": () => require("./pip-sessions.validators/getSessionsUnversioned.cjs"),
  "getSessionById": () => require("./pip-sessions.validators/getSessionById.cjs"),
  "getSessionByIdUnversioned": () => require("./pip-sessions.validators/getSessionByIdUnversioned.cjs"),
  "openSession": () => require("./pip-sessions.validators/openSession.cjs"),
  "openSessionUnversioned": () => require("./pip-sessions.validators/openSessionUnversioned.cjs"),
  "storeSessionData": () => require("./pip-sessions.validators/storeSessionData.cjs"),
  "storeSessionDataUnversioned": () => require("./pip-sessions.validators/storeSessionDataUnversioned.cjs"),
  "updateSessionUser": () => require("./pip-sessions.validators/updateSessionUser.cjs"),
  "updateSessionUserUnversioned": () => require("./pip-sessions.validators/updateSessionUserUnversioned.cjs"),
  "closeSession": () => require("./pip-sessions.validators/closeSession.cjs"),
  "closeSessionUnversioned": () => require("./pip-sessions.validators/closeSessionUnversioned.cjs"),
  "closeExpiredSessions": () => require("./pip-sessions.validators/closeExpiredSessions.cjs"),
  "closeExpiredSessionsUnversioned": () => require("./pip-sessions.validators/closeExpiredSessionsUnversioned.cjs"),
  "deleteSessionById": () => require("./pip-sessions.validators/deleteSessionById.cjs"),
  "deleteSessionByIdUnversioned": () => require("./pip-sessions.validators/deleteSessionByIdUnversioned.cjs"),
  "getHeartbeat": () => require("./pip-sessions.validators/getHeartbeat.cjs"),
  "getStatus": () => require("./pip-sessions.validators/getStatus.cjs"),
};

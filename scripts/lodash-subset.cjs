// lodash as openapi-backend uses it, for the bundle of the command (scripts/bundle.mjs): the
// functions it calls, from lodash's one-function modules, and the two chains it builds. The whole
// of lodash, whose load mixes its 300 functions into its chain wrapper, was the largest single
// module of a cold start. If a new openapi-backend calls a function missing here, its calls fail
// with "is not a function" in the tests.
const entries = require('lodash/entries');
const find = require('lodash/find');
const flatMap = require('lodash/flatMap');
const orderBy = require('lodash/orderBy');

/** `_.chain(v)` with the steps openapi-backend chains (router.js): each step applied at once. */
function chain(value) {
  return {
    entries: () => chain(entries(value)),
    find: (predicate) => chain(find(value, predicate)),
    flatMap: (iteratee) => chain(flatMap(value, iteratee)),
    orderBy: (iteratees, orders) => chain(orderBy(value, iteratees, orders)),
    value: () => value,
  };
}

module.exports = {
  chain,
  cloneDeep: require('lodash/cloneDeep'),
  entries,
  find,
  flatMap,
  flatten: require('lodash/flatten'),
  get: require('lodash/get'),
  includes: require('lodash/includes'),
  isEmpty: require('lodash/isEmpty'),
  isNil: require('lodash/isNil'),
  keys: require('lodash/keys'),
  mapKeys: require('lodash/mapKeys'),
  omitBy: require('lodash/omitBy'),
  pick: require('lodash/pick'),
  range: require('lodash/range'),
  uniq: require('lodash/uniq'),
};

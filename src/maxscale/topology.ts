/**
 * The twin's pretend backends: what a running monitor "sees" when it probes
 * its servers, and what the MariaDB monitor's commands do to the replication
 * topology. Pure functions over copies of server records; the model stores
 * the result in one transaction.
 *
 * The topology lives in `master_id` (the node_id a server replicates from,
 * -1 for none); the role bits (Master, Slave, Relay Master) are derived from
 * it and from the Running bit each time a running monitor probes:
 * - a server probed for the first time gets a node_id (its port, or the next
 *   free number) and replicates from the cluster's master, or becomes the
 *   master if the cluster has none: the twin pretends new backends were
 *   provisioned as replicas;
 * - the master is the running server that replicates from no one and has the
 *   most (transitive) slaves, the current master winning a tie; a lone server
 *   with no slaves is the master only when no server replicates at all
 *   (detect_standalone_master);
 * - a running server that replicates from a server of the cluster is a Slave,
 *   even while that master is down (detect_stale_slave), and a Relay Master
 *   too if running servers replicate from it;
 * - a server without the Running bit is Down and has no role.
 * Maintenance and the other bits are set by users and kept as they are.
 */
import { ApiError, Errors } from '../errors.js';
import type { ServerRecord } from './records.js';
import { has, withBit, withoutBit } from './status.js';

/** The version the twin's backends report once a monitor has probed them. */
export const PROBED_VERSION = '10.3.14-MariaDB';

const refuse = (detail: string) => ApiError.from(Errors.FORBIDDEN, detail);

const running = (s: ServerRecord) => has(s.status, 'Running');
const usable = (s: ServerRecord) => running(s) && !has(s.status, 'Maintenance');

function parentOf(list: readonly ServerRecord[], s: ServerRecord): ServerRecord | undefined {
  return s.master_id === -1 ? undefined : list.find((x) => x !== s && x.node_id === s.master_id);
}

function transitiveSlaves(list: readonly ServerRecord[], root: ServerRecord): number {
  const seen = new Set<ServerRecord>([root]);
  const queue = [root];
  while (queue.length) {
    const cur = queue.shift() as ServerRecord;
    for (const x of list) {
      if (!seen.has(x) && x.master_id === cur.node_id && cur.node_id !== -1) {
        seen.add(x);
        queue.push(x);
      }
    }
  }
  return seen.size - 1;
}

/** The server a MariaDB monitor would call Master, if any (see the module comment). */
export function chooseMaster(list: readonly ServerRecord[]): ServerRecord | undefined {
  const roots = list.filter((s) => s.node_id !== -1 && running(s) && parentOf(list, s) === undefined);
  let best: ServerRecord | undefined;
  let bestCount = -1;
  for (const root of roots) {
    const n = transitiveSlaves(list, root);
    // More slaves wins; on a tie the current master stays master (MaxScale does not flip a healthy master).
    if (n > bestCount || (n === bestCount && has(root.status, 'Master') && !(best && has(best.status, 'Master')))) {
      best = root;
      bestCount = n;
    }
  }
  if (best && bestCount === 0 && list.some((s) => parentOf(list, s) !== undefined)) return undefined;
  return best;
}

function nextNodeId(s: ServerRecord, used: Set<number>): number {
  const port = Number(s.parameters.port);
  if (Number.isInteger(port) && port > 0 && !used.has(port)) return port;
  let n = Math.max(0, ...used) + 1;
  while (used.has(n)) n++;
  return n;
}

function assignNodeIds(list: ServerRecord[], usedNodeIds: ReadonlySet<number>, join: boolean): void {
  const used = new Set(usedNodeIds);
  for (const s of list) if (s.node_id !== -1) used.add(s.node_id);
  for (const s of list) {
    if (s.node_id !== -1) continue;
    const master = join ? chooseMaster(list) : undefined;
    s.node_id = nextNodeId(s, used);
    used.add(s.node_id);
    s.master_id = master ? master.node_id : -1;
    if (s.version_string === '') s.version_string = PROBED_VERSION;
  }
}

function deriveLinks(list: ServerRecord[]): void {
  for (const s of list) {
    s.slaves = list.filter((x) => x !== s && x.master_id === s.node_id && s.node_id !== -1).map((x) => x.node_id);
    let depth = 0;
    const seen = new Set<ServerRecord>([s]);
    for (let p = parentOf(list, s); p && !seen.has(p); p = parentOf(list, p)) {
      seen.add(p);
      depth++;
    }
    s.replication_depth = depth;
  }
}

function probeMariadb(list: ServerRecord[], usedNodeIds: ReadonlySet<number>): void {
  assignNodeIds(list, usedNodeIds, true);
  const master = chooseMaster(list);
  for (const s of list) {
    s.status = withoutBit(s.status, 'Master', 'Slave', 'Relay Master');
    if (!running(s)) continue;
    if (s === master) s.status = withBit(s.status, 'Master');
    else if (parentOf(list, s)) s.status = withBit(s.status, 'Slave');
  }
  for (const s of list) {
    if (has(s.status, 'Slave') && list.some((x) => x.master_id === s.node_id && running(x))) s.status = withBit(s.status, 'Relay Master');
  }
  deriveLinks(list);
}

/** Galera: every running node is Synced; the first usable one is the Master, the others Slaves. */
function probeGalera(list: ServerRecord[], usedNodeIds: ReadonlySet<number>): void {
  assignNodeIds(list, usedNodeIds, false);
  const master = list.find(usable) ?? list.find(running);
  for (const s of list) {
    s.status = withoutBit(s.status, 'Master', 'Slave', 'Relay Master', 'Synced');
    s.master_id = -1;
    s.slaves = [];
    s.replication_depth = 0;
    if (!running(s)) continue;
    s.status = withBit(withBit(s.status, 'Synced'), s === master ? 'Master' : 'Slave');
  }
}

/**
 * What a running monitor of `module` makes of its servers. Returns changed
 * copies; `usedNodeIds` are the node_ids of every other server of the twin.
 * Modules without a simulation leave the servers as they are.
 */
export function probe(module: string, servers: readonly ServerRecord[], usedNodeIds: ReadonlySet<number>): ServerRecord[] {
  const list = servers.map((s) => structuredClone(s));
  if (module === 'mariadbmon') probeMariadb(list, usedNodeIds);
  else if (module === 'galeramon') probeGalera(list, usedNodeIds);
  return list;
}

// ---- the MariaDB monitor's commands ------------------------------------

function runningMaster(list: readonly ServerRecord[]): ServerRecord | undefined {
  return list.find((s) => has(s.status, 'Master') && running(s));
}

function member(list: readonly ServerRecord[], name: string, monitor: string): ServerRecord {
  const s = list.find((x) => x.name === name);
  if (!s) throw refuse(`Server '${name}' is not monitored by '${monitor}'`);
  return s;
}

/**
 * `switchover MONITOR [NEW_MASTER] [CURRENT_MASTER]`: the new master (by
 * default the first usable slave) stops replicating, and the old master and
 * the other slaves replicate from it.
 */
export function switchover(list: ServerRecord[], monitor: string, newName?: string, currentName?: string): void {
  const master = runningMaster(list);
  if (!master) throw refuse(`Switchover refused: the cluster of '${monitor}' has no running master; use failover`);
  if (currentName !== undefined && member(list, currentName, monitor) !== master) {
    throw refuse(`Switchover refused: '${currentName}' is not the current master, '${master.name}' is`);
  }
  let promoted: ServerRecord | undefined;
  if (newName !== undefined) {
    promoted = member(list, newName, monitor);
    if (promoted === master) throw refuse(`Switchover refused: '${promoted.name}' is already the master`);
    if (promoted.master_id !== master.node_id) {
      throw refuse(`Switchover refused: '${promoted.name}' is not a slave of the master '${master.name}'`);
    }
    if (!usable(promoted)) {
      throw refuse(`Switchover refused: '${promoted.name}' is ${running(promoted) ? 'in maintenance' : 'down'} and cannot be promoted`);
    }
  } else {
    promoted = list.find((s) => s.master_id === master.node_id && usable(s));
    if (!promoted) throw refuse(`Switchover refused: the master '${master.name}' has no running slave to promote`);
  }
  for (const s of list) if (s !== promoted && s.master_id === master.node_id) s.master_id = promoted.node_id;
  promoted.master_id = -1;
  master.master_id = promoted.node_id;
}

/** `failover MONITOR`: the master is down; its first usable slave is promoted and the others follow it. */
export function failover(list: ServerRecord[], monitor: string): void {
  const master = runningMaster(list);
  if (master) throw refuse(`Failover refused: the master '${master.name}' is running; use switchover`);
  const failed = list.find((s) => !running(s) && s.node_id !== -1 && list.some((x) => x.master_id === s.node_id));
  if (!failed) throw refuse(`Failover refused: '${monitor}' has no failed master (no server that is down has slaves)`);
  const promoted = list.find((s) => s.master_id === failed.node_id && usable(s));
  if (!promoted) throw refuse(`Failover refused: no running slave of '${failed.name}' can be promoted`);
  for (const s of list) if (s !== promoted && s.master_id === failed.node_id) s.master_id = promoted.node_id;
  promoted.master_id = -1;
}

/** `rejoin MONITOR SERVER`: a running server that does not replicate from the master starts to. */
export function rejoin(list: ServerRecord[], monitor: string, name: string): void {
  const s = member(list, name, monitor);
  const master = runningMaster(list);
  if (!master) throw refuse(`Rejoin refused: the cluster of '${monitor}' has no running master`);
  if (s === master) throw refuse(`Rejoin refused: '${s.name}' is the master`);
  if (!running(s)) throw refuse(`Rejoin refused: '${s.name}' is down`);
  if (s.master_id === master.node_id) throw refuse(`Rejoin refused: '${s.name}' already replicates from the master '${master.name}'`);
  s.master_id = master.node_id;
}

/** `reset-replication MONITOR [MASTER]`: every other server replicates from the given (or current) master. */
export function resetReplication(list: ServerRecord[], monitor: string, name?: string): void {
  const master = name !== undefined ? member(list, name, monitor) : runningMaster(list);
  if (!master) throw refuse(`Reset-replication refused: the cluster of '${monitor}' has no running master; name one`);
  if (!running(master)) throw refuse(`Reset-replication refused: '${master.name}' is down`);
  for (const s of list) s.master_id = s === master ? -1 : master.node_id;
}

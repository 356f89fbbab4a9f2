/**
 * The MaxScale core resource: global information and parameters, threads,
 * logging, tasks, modules and their commands, and the query classifier.
 */
import { ApiError, Errors } from '../../errors.js';
import { classify } from '../classifier.js';
import { commandArguments, runModuleCommand as runCommand } from '../commands.js';
import type { Handler } from '../context.js';
import { logPriorities } from '../core.js';
import { findModule, MODULES } from '../modules.js';
import { updateCore, updateLogs as updateLogParameters } from '../rules/maxscale.js';
import { moduleResource, threadResource } from '../views.js';

export const getMaxscale: Handler<'getMaxscale'> = (_req, { model, links, admin }) => {
  const core = model.core();
  const { host, port } = admin();
  return {
    status: 200,
    body: {
      links: { self: links.path('maxscale/') },
      data: {
        attributes: {
          parameters: { ...core.parameters, admin_host: host, admin_port: port },
          version: core.version,
          commit: core.commit,
          started_at: core.started_at,
          activated_at: core.activated_at,
          uptime: model.uptime(),
        },
        id: 'maxscale',
        type: 'maxscale',
      },
    },
  };
};

export const updateMaxscale: Handler<'updateMaxscale'> = (req, { model, admin }) => {
  const { host, port } = admin();
  updateCore(model, req.body.data.attributes.parameters, { admin_host: host, admin_port: port });
  return { status: 204 };
};

function threadCount(threads: unknown): number {
  return typeof threads === 'number' && Number.isInteger(threads) && threads > 0 ? threads : 1;
}

export const listThreads: Handler<'listThreads'> = (_req, { model, links }) => {
  const n = threadCount(model.core().parameters.threads);
  return {
    status: 200,
    body: { links: { self: links.path('maxscale/threads/') }, data: Array.from({ length: n }, (_, i) => threadResource(links, i)) },
  };
};

export const getThread: Handler<'getThread'> = (req, { model, links }) => {
  const n = threadCount(model.core().parameters.threads);
  const id = req.params.id;
  if (!/^\d+$/.test(id) || Number(id) >= n) {
    throw ApiError.from(Errors.NOT_FOUND, `No thread '${id}': threads are numbered 0 to ${n - 1}`);
  }
  return {
    status: 200,
    body: { links: { self: links.path(`maxscale/threads/${Number(id)}`) }, data: threadResource(links, Number(id)) },
  };
};

export const getLogs: Handler<'getLogs'> = (_req, { model, links }) => {
  const { logs } = model.core();
  return {
    status: 200,
    body: {
      links: { self: links.path('maxscale/logs/') },
      data: {
        attributes: {
          parameters: { ...logs.parameters, throttling: { ...logs.parameters.throttling } },
          log_file: logs.log_file,
          log_priorities: logPriorities(logs.parameters),
        },
        id: 'logs',
        type: 'logs',
      },
    },
  };
};

export const updateLogs: Handler<'updateLogs'> = (req, { model }) => {
  updateLogParameters(model, req.body.data.attributes.parameters);
  return { status: 204 };
};

/** Nothing is buffered in the twin, so flushing and reopening the log files has nothing to do. */
export const flushLogs: Handler<'flushLogs'> = () => ({ status: 204 });

export const listTasks: Handler<'listTasks'> = (_req, { links }) => ({
  status: 200,
  body: { links: { self: links.path('maxscale/tasks/') }, data: [] },
});

export const listModules: Handler<'listModules'> = (_req, { links }) => ({
  status: 200,
  body: { links: { self: links.path('maxscale/modules/') }, data: MODULES.map((m) => moduleResource(links, m)) },
});

export const getModule: Handler<'getModule'> = (req, { links }) => {
  const module = findModule(req.params.name);
  if (!module) throw ApiError.from(Errors.NOT_FOUND, `No module named '${req.params.name}'`);
  return { status: 200, body: { links: { self: links.path('maxscale/modules/') }, data: moduleResource(links, module) } };
};

type CommandRequest = { params: { module: string; command: string; subcommand?: string }; queryString: string };

async function callCommand(req: CommandRequest, ctx: Parameters<Handler<'callModuleCommand'>>[1], method: 'GET' | 'POST') {
  const id = req.params.subcommand === undefined ? req.params.command : `${req.params.command}/${req.params.subcommand}`;
  const result = await runCommand(ctx.model, req.params.module, id, method, commandArguments(req.queryString), ctx.ruleFiles);
  if (result.output === undefined) return { status: 204 as const };
  return {
    status: 200 as const,
    body: { links: { self: ctx.links.path(`maxscale/modules/${req.params.module}/${id}`) }, meta: result.output },
  };
}

export const callModuleCommand: Handler<'callModuleCommand'> = (req, ctx) => callCommand(req, ctx, 'GET');
export const runModuleCommand: Handler<'runModuleCommand'> = (req, ctx) => callCommand(req, ctx, 'POST');
export const callModuleSubcommand: Handler<'callModuleSubcommand'> = (req, ctx) => callCommand(req, ctx, 'GET');
export const runModuleSubcommand: Handler<'runModuleSubcommand'> = (req, ctx) => callCommand(req, ctx, 'POST');

export const classifyQuery: Handler<'classifyQuery'> = (req, { links }) => ({
  status: 200,
  body: {
    links: { self: links.path('maxscale/query_classifier/classify') },
    data: { id: 'classify', type: 'classify', attributes: classify(req.query.sql) },
  },
});

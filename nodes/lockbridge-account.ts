/**
 * lockbridge-account (config node): one vendor account (or the sandbox, or a running lockbridge
 * daemon over MQTT). It owns the connection that every lockbridge node using it shares, keeps the
 * credentials in Node-RED's credential store, shows its users connected / connecting / error, and
 * closes everything when the flow stops.
 */
import { RedactingLogger } from '../src/core/logger';
import { toLockbridgeError, type LockbridgeError } from '../src/core/errors';
import { CREDENTIAL_TYPES, type AccountCredentials, type AccountNodeProps } from './lib/account-config';
import { registerAdminEndpoints } from './lib/admin';
import { AccountConnection } from './lib/connection';
import { openSource } from './lib/open-source';
import type { Node, NodeDef, RED } from './lib/red';
import type { AccountNode } from './lib/user-node';

/** A daemon or broker that is not up yet is tried again, 5 s, 10 s ... up to a minute apart. */
function retryDelay(err: LockbridgeError, attempt: number): number | undefined {
  if (err.code === 'invalid_config' || err.code === 'not_supported' || err.code === 'shutting_down')
    return undefined;
  return Math.min(60_000, 5000 * 2 ** Math.min(attempt - 1, 4));
}

export = function register(RED: RED): void {
  function LockbridgeAccountNode(this: Node, config: NodeDef & AccountNodeProps): void {
    RED.nodes.createNode(this, config);
    const node = this as AccountNode;
    const label = `lockbridge-account:${config.name || node.id}`;
    // Errors go to the log, not node.error(): a config node's errors would reach its users' Catch
    // nodes as messages without a payload.
    const logger = new RedactingLogger({
      debug: (m) => node.debug(m),
      info: (m) => node.log(m),
      warn: (m) => node.warn(m),
      error: (m) => RED.log.error(`[${label}] ${m}`),
    });
    node.connection = new AccountConnection((err) =>
      logger.error(`A lockbridge node failed to handle an event: ${toLockbridgeError(err).message}`),
    );
    node.connection.watch((view) => {
      if (view.state === 'error')
        logger.warn(`Account error (${view.error?.code}): ${view.error?.message ?? ''}`);
    });
    node.connection.open(
      () =>
        openSource({
          nodeId: node.id,
          props: config,
          credentials: (node.credentials ?? {}) as AccountCredentials,
          settings: RED.settings,
          logger,
        }),
      retryDelay,
    );
    node.on('close', (_removed: boolean, done: () => void) => {
      node.connection.close().then(
        () => done(),
        (err: unknown) => {
          logger.warn(`Closing failed: ${toLockbridgeError(err).message}`);
          done();
        },
      );
    });
  }

  RED.nodes.registerType('lockbridge-account', LockbridgeAccountNode, { credentials: CREDENTIAL_TYPES });
  registerAdminEndpoints(RED);
};

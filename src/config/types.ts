import type { KnownVendor } from '../core/model';
import type { LogLevel } from '../core/logger';

/** Shared by every account. */
export interface AccountBase {
  /** A short id, unique in the config; used in storage paths and logs. */
  id: string;
  name?: string;
  /** Overrides the vendor's base URL (emulators, proxies, regional hosts). */
  baseUrl?: string;
  /** Poll interval for this account, when push is unavailable. */
  pollIntervalSeconds?: number;
  /** The request budget of this account (token bucket). */
  budget?: { capacity: number; refillPerSecond: number };
  /** When set, UNLOCK and OPEN over MQTT must carry this code. */
  unlockCode?: string;
}

export type AugustBrand = 'august' | 'yale_access' | 'yale_home' | 'yale_global';

export interface AugustAccountConfig extends AccountBase {
  vendor: 'august';
  brand: AugustBrand;
  /**
   * "email:me@example.com" or "phone:+15551234567" (a bare email or phone is accepted too). With
   * `password`, for the brands that still allow password login (August, Yale Access).
   */
  identifier?: string;
  password?: string;
  /**
   * An access token obtained elsewhere, used instead of a password login: the only way in for Yale
   * Home and Yale Global, whose password login Yale switched off. Fresh tokens the API hands back are
   * kept in storage; when the token is refused, a new one must be imported.
   */
  accessToken?: string;
  /** The app API key of the brand. */
  apiKey?: string;
  /** Stable install id; generated and stored when absent. */
  installId?: string;
  /**
   * Live updates (default on): PubNub for August and Yale Access, Socket.IO for Yale Home and Yale
   * Global. While they are up the locks are not polled; while down, polling takes over.
   */
  liveUpdates?: boolean;
  /**
   * Where live updates come from, when not the brand's own service: a PubNub origin or a Socket.IO
   * URL (http://127.0.0.1:port for the emulator). Default: the baseUrl host when baseUrl is set.
   */
  liveUpdatesUrl?: string;
  /** While live updates are up, the locks are re-read from the API this often (default 30). */
  resyncMinutes?: number;
}

export interface SeamAccountConfig extends AccountBase {
  vendor: 'seam';
  apiKey: string;
  /** Receive Seam webhooks on a local listener reachable by Seam. */
  webhook?: { url: string; listenHost?: string; listenPort?: number };
  /** Seconds between events/list polls. */
  eventPollSeconds?: number;
}

export interface UnlocAccountConfig extends AccountBase {
  vendor: 'unloc';
  clientId: string;
  clientSecret: string;
  /**
   * Unloc API generation. v2 (`/v2/projects/{id}/...`, project.admin tokens) is the current API and the
   * default whenever projectIds is given; v1 (the legacy Integrator API with lock holders) stays the
   * default for a configuration that has only lockHolderIds.
   */
  apiVersion?: 'v2' | 'v1';
  /** v2: projects this organisation's API client administers (project.admin scope). */
  projectIds?: string[];
  /** v1: lock holders this integrator administers (lockHolder.admin scope). */
  lockHolderIds?: string[];
  /** v1: lock holders whose locks this integrator may only duplicate (lockHolder.duplicateLocks scope). */
  duplicateLockHolderIds?: string[];
  /**
   * Receive Unloc key events (someone opened with a key) on a local listener that Unloc can reach.
   * webhookUrl is what Unloc is told; absent, it is http://listenHost:port/path of the listener.
   */
  keyEvents?: {
    webhookUrl?: string;
    listenHost?: string;
    listenPort?: number;
    path?: string;
    /** The secret last segment of the registered URL; absent, a random one is kept in storage. */
    secret?: string;
  };
}

export interface SmartphoneKeyAccountConfig extends AccountBase {
  vendor: 'smartphonekey';
  /** B2B: an organisation API key (X-API-Key) ... */
  apiKey?: string;
  /** ... or B2C: a user JWT (Bearer). One of the two is required. */
  jwt?: string;
  /** The user whose owned and accessible locks are listed. */
  userId: string;
  /**
   * Receive SmartphoneKey's EventBridge webhooks (lock events and device-shadow updates) on a local
   * listener, set as the API destination in the partner portal. bearer: the static Bearer token
   * configured there, checked on each delivery.
   */
  webhook?: {
    listenHost?: string;
    listenPort?: number;
    path?: string;
    /** Shorthand for auth {type: 'bearer_token', secret: bearer}. */
    bearer?: string;
    /** How SmartphoneKey signs deliveries: HMAC-SHA256 of the body, a Bearer, or a custom header. */
    auth?: {
      type: 'hmac_sha256' | 'bearer_token' | 'header' | 'bearerToken' | 'apiKeyHeader';
      secret: string;
      header?: string;
    };
  };
}

/** Runs every vendor emulator in-process with a few locks each: Lockbridge with no vendor account. */
export interface SandboxAccountConfig extends AccountBase {
  vendor: 'sandbox';
  vendors?: KnownVendor[];
}

export type AccountConfig =
  | AugustAccountConfig
  | SeamAccountConfig
  | UnlocAccountConfig
  | SmartphoneKeyAccountConfig
  | SandboxAccountConfig;

export type VendorAccountConfig = Exclude<AccountConfig, SandboxAccountConfig>;

/** A user of the embedded broker, with its own password and rights. */
export interface EmbeddedUserConfig {
  username: string;
  /** The password's salted scrypt hash, as `lockbridge hash-password` prints it ... */
  passwordHash?: string;
  /** ... or a file holding the password or its hash (a Docker or systemd secret). One of the two. */
  passwordFile?: string;
  /** command: commands, requests and their responses; read: states, lists, availability and activity only. */
  rights: 'command' | 'read';
}

export interface MqttConfig {
  /** External broker (mqtt://, mqtts://, ws://). Absent: the embedded broker. */
  url?: string;
  username?: string;
  password?: string;
  /** Paths to PEM files for TLS to an external broker. */
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized?: boolean;
  clientId?: string;
  baseTopic?: string;
  /** The embedded aedes broker. */
  embedded?: {
    host?: string;
    port?: number;
    /** One login for everyone (it may command); mqtt.embedded.users gives each user its own. */
    username?: string;
    password?: string;
    /** Users, each with its own password (hashed) and rights. */
    users?: EmbeddedUserConfig[];
    tls?: { cert: string; key: string; port?: number };
  };
  homeAssistant?: {
    enabled?: boolean;
    prefix?: string;
    /** `device` (default): one message per lock (Home Assistant 2024.11+); `entity`: one per entity. */
    discovery?: 'device' | 'entity';
    /** Retain discovery messages (default true; only the bridge may write under the prefix). */
    retain?: boolean;
    /** How device names tell locks apart: auto (default), plain, vendor, account. */
    deviceNames?: 'auto' | 'plain' | 'vendor' | 'account';
  };
  /** Publish PIN codes in code lists and responses. Off by default. */
  publishCodes?: boolean;
  /** Commands older than this (by their expires_at or sent_at) are refused. */
  maxCommandAgeSeconds?: number;
  /** How often `<base>/bridge/health` is published (default 60 s). */
  healthIntervalSeconds?: number;
  /**
   * Users of mqtt.embedded.users who may send commands and requests (besides having rights "command").
   * Without per-user credentials it is a configuration error: a name alone proves nothing.
   */
  allowedUsers?: string[];
  /**
   * MQTT 5 response topics must start with this (default: any topic outside the bridge's own, the
   * discovery prefix and command topics such as `.../set`).
   */
  responseTopicPrefix?: string;
  /** Per-lock unlock codes, by Lockbridge lock id. */
  unlockCodes?: Record<string, string>;
}

/**
 * Cluster mode of `lockbridge run` (see src/cluster): several daemons with the same accounts share them
 * through leases in one Redis. Absent: one process holds every account, as before.
 */
export interface ClusterConfig {
  /** redis://[user:password@]host:port[/db] or rediss:// (one Redis instance, not Redis Cluster). */
  redis: string;
  /** This daemon's name, unique in the cluster ([A-Za-z0-9_-], at most 64). */
  node: string;
  /** How long a lease on an account lasts without renewal (default 15 s); renewed every third of it. */
  leaseSeconds?: number;
  /** Prefix of every Redis key (default "lockbridge"); two clusters may share a Redis with two prefixes. */
  keyPrefix?: string;
}

export interface LockbridgeConfig {
  accounts: AccountConfig[];
  mqtt?: MqttConfig;
  cluster?: ClusterConfig;
  polling?: { intervalSeconds?: number; maxIntervalSeconds?: number };
  commands?: { timeoutSeconds?: number; expirySeconds?: number; sendMarginMs?: number };
  codes?: {
    confirmTimeoutSeconds?: number;
    /** Homebridge's Access Code service: the answer bound and the re-read interval (issue 18). */
    homeKitAnswerSeconds?: number;
    homeKitPollSeconds?: number;
  };
  logLevel?: LogLevel;
}

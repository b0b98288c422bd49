/**
 * August/Yale payloads as the API sends them (august-yale-api.txt, vendor-apis.md section 1, and the
 * captured fixtures). Fields are optional where real payloads omit them.
 */
import type { LockUserType } from './paths';

export interface AugustSession {
  installId?: string;
  userId: string;
  applicationId?: string;
  /** False until the install has been validated with a two-factor code. */
  vInstallId: boolean;
  vPassword?: boolean;
  vEmail?: boolean;
  vPhone?: boolean;
  hasInstallId?: boolean;
  hasPassword?: boolean;
  hasEmail?: boolean;
  hasPhone?: boolean;
  expiresAt?: string;
}

export interface AugustLockListEntry {
  LockName: string;
  UserType: LockUserType;
  macAddress?: string;
  HouseID?: string;
  HouseName?: string;
}

export type AugustLockList = Record<string, AugustLockListEntry>;

export interface AugustLockStatusBlock {
  status?: string;
  dateTime?: string;
  isLockStatusChanged?: boolean;
  valid?: boolean;
  doorState?: string;
}

export interface AugustBridge {
  _id?: string;
  mfgBridgeID?: string;
  deviceModel?: string;
  firmwareVersion?: string;
  operative?: boolean;
  status?: { current?: string; lastOnline?: string; updated?: string; lastOffline?: string };
  hyperBridge?: boolean;
}

export interface AugustLockUser {
  UserType?: LockUserType | string;
  FirstName?: string;
  LastName?: string;
  identifiers?: string[];
}

export interface AugustLockDetail {
  LockName: string;
  Type?: number;
  LockID: string;
  HouseID?: string;
  HouseName?: string;
  timeZone?: string;
  battery?: number;
  batteryInfo?: { level?: number; warningState?: string; state?: string };
  supportsEntryCodes?: boolean;
  accessSchedulesAllowed?: boolean;
  skuNumber?: string;
  SerialNumber?: string;
  macAddress?: string;
  LockStatus?: AugustLockStatusBlock;
  /** A string under Accept-Version 0.0.1, an object under 2.0.0. */
  currentFirmwareVersion?: string | Record<string, unknown>;
  Bridge?: AugustBridge;
  keypad?: { _id?: string; serialNumber?: string; batteryLevel?: string; currentFirmwareVersion?: string };
  users?: Record<string, AugustLockUser>;
  pubsubChannel?: string;
  hostLockInfo?: { manufacturer?: string; productID?: number; productTypeID?: number; serialNumber?: string };
}

export type AugustStatusResponse = AugustLockStatusBlock;

export interface AugustOperationInfo {
  action?: string;
  startTime?: string;
  context?: { transactionID?: string; startDate?: string; retryCount?: number };
  lockType?: string;
  serialNumber?: string;
  rssi?: number;
  wlanRSSI?: number;
  wlanSNR?: number;
  duration?: number;
  lockID?: string;
  bridgeID?: string;
  lockStatusChanged?: boolean;
  serial?: string;
}

export interface AugustRemoteOperateResult {
  status?: string;
  doorState?: string;
  info?: AugustOperationInfo;
  retryCount?: number;
  totalTime?: number;
  resultsFromOperationCache?: boolean;
  lockStatusChanged?: boolean;
  extendedfunction?: { function?: string; info?: Record<string, unknown> };
}

/** A PubNub message, or a websocket `data` payload (the same plus lockID). */
export interface AugustPushMessage {
  remoteEvent?: number;
  status?: string;
  lockAction?: string;
  doorState?: string;
  callingUserID?: string;
  lockID?: string;
  timeStamp?: number;
  result?: string;
  info?: AugustOperationInfo;
  error?: { restCode?: number; name?: string; statusCode?: number; message?: string };
}

export const PIN_STATES = [
  'created',
  'loaded',
  'disabled',
  'disabling',
  'enabling',
  'deleting',
  'updating',
] as const;
export type PinState = (typeof PIN_STATES)[number];

export interface AugustPin {
  _id?: string;
  type?: string;
  lockID?: string;
  userID: string;
  state?: string;
  pin?: string;
  slot?: number;
  accessType?: string;
  accessTimes?: string;
  accessRecurrence?: string;
  accessStartTime?: string;
  accessEndTime?: string;
  callingUserID?: string;
  apiKey?: string;
  createdAt?: string;
  updatedAt?: string;
  loadedDate?: string;
  firstName?: string;
  lastName?: string;
  unverified?: boolean;
}

export type AugustPinsByState = Partial<Record<PinState, AugustPin[]>>;

export type PinAction = 'load' | 'update' | 'delete' | 'disable' | 'enable';
export type PinAccessType = 'always' | 'recurring' | 'temporary' | 'oneTime';

export interface AugustPinCommand {
  action: PinAction;
  pin?: string;
  slot?: number;
  accessType?: PinAccessType;
  accessTimes?: string;
  accessRecurrence?: string;
  schedule?: string;
  augustUserID?: string;
  partnerUserID?: string;
  firstName?: string;
  lastName?: string;
  retry?: boolean;
}

export interface AugustReservation {
  pin: string;
  slot: number;
}

export interface AugustCapabilities {
  /**
   * yalexs capabilities.py LockCapabilities (the fields Lockbridge reads: `unlatch`, and the slot range)
   * plus DOC's hostHardwareLockInfo/hostLock objects.
   */
  lock?: {
    hostHardwareLockInfo?: Record<string, unknown>;
    hostLock?: Record<string, unknown>;
    unlatch?: boolean;
    doorSense?: boolean;
    pinSlotMin?: number;
    pinSlotMax?: number;
  };
  keypad?: {
    supportsPinCodes?: boolean;
    supportsKeyTags?: boolean;
    supportsFingerprintCredential?: boolean;
    pinLengthMin?: number;
    pinLengthMax?: number;
    usesSlots?: boolean;
    isStandAlone?: boolean;
  };
  doorbell?: Record<string, unknown>;
  connect?: Record<string, unknown>;
}

export interface AugustHouseSummary {
  HouseID: string;
  HouseName: string;
  type?: string;
  imageInfo?: Record<string, unknown>;
}

export interface AugustHouse {
  HouseName: string;
  users: string[];
  locks: string[];
}

export interface AugustSubscriber {
  subscriberID: string;
  scopes: string[];
  clientID: string;
  userID: string;
}

export interface AugustSubUser {
  access_token: string;
  firstName: string;
  lastName: string;
  userID: string;
  userCreated: boolean;
}

/** House activity feed entries: the older format (action + info flags) and the v4 format. */
export interface AugustActivity {
  id?: string;
  action?: string;
  dateTime?: number;
  timestamp?: number;
  deviceID?: string;
  deviceType?: string;
  deviceName?: string;
  callingUser?: { UserID?: string; FirstName?: string; LastName?: string };
  user?: { UserID?: string; FirstName?: string; LastName?: string };
  info?: Record<string, unknown>;
  /** Older format: ids of the activity, house, device and users. */
  entities?: { activity?: string; house?: string; device?: string; callingUser?: string };
  title?: string;
}

export interface AugustSuccess {
  message: string;
}

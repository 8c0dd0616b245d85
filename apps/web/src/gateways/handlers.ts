// The gateway handlers this server registers with its gateway runtime (runtime.ts), in the order they run for each
// hook. Each feature exports one GatewayHandlers object from packages/core and is added here (one line).
import { gatewayCronHandlers, gatewayDispatchHandlers, type GatewayHandlers } from '@mc/core';

export const GATEWAY_HANDLERS: GatewayHandlers[] = [gatewayDispatchHandlers, gatewayCronHandlers];

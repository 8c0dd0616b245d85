import { formatUsd } from '@/src/ui/format';

/** A price per million tokens, with the cents a rate needs. */
export const usdRate = (v: number) => formatUsd(v, true);

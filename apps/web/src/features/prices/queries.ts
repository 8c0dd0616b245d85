'use client';
// The model price table (read by everyone, versions added by instance admins) and one model's history.
import { useQuery } from '@tanstack/react-query';
import { api, type BodyOf, type Schemas } from '@/src/data/client';
import { globalKey } from '@/src/data/keys';
import { useApiMutation } from '@/src/data/mutations';

export type ModelPrice = Schemas['ModelPrice'];

/** The prices in force, by model name. */
export function usePrices() {
  return useQuery({
    queryKey: globalKey('model-prices', 'list'),
    queryFn: ({ signal }) => api.list('/model-prices', { signal }).then((p) => [...p.items].sort((a, b) => a.model.localeCompare(b.model))),
  });
}

/** Every version of one model, newest first. */
export function usePriceHistory(model: string) {
  return useQuery({
    queryKey: globalKey('model-prices', 'list', { model }),
    queryFn: ({ signal }) => api.list('/model-prices', { params: { query: { model } }, signal }).then((p) => p.items),
  });
}

/** Add a version; the table and every history are re-read. */
export function useAddPrice() {
  return useApiMutation({
    mutationFn: (body: BodyOf<'/model-prices', 'post'>) => api.post('/model-prices', { body }),
    invalidate: [globalKey('model-prices')],
  });
}

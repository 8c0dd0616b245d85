'use client';
// "Comments": the thread (paged, live), "Load more" for long ones, and the form for those who may write.
import type { ReactNode } from 'react';
import { Button, Card, ErrorAlert, Loading } from '@/src/ui/components';
import type { People } from '../people';
import { useComments } from '../queries';
import { CommentList } from './comment-list';

export function CommentsCard({ workspaceId, ticketId, people, form }: { workspaceId: string; ticketId: string; people: People; form?: ReactNode }) {
  const { items: comments, hasMore, loadMore, loadingMore, error } = useComments(workspaceId, ticketId);
  return (
    <Card title={`Comments${comments?.length ? ` (${comments.length}${hasMore ? '+' : ''})` : ''}`}>
      <ErrorAlert error={error} className="mb-3" />
      {comments === null ? <Loading /> : <CommentList comments={comments} people={people} />}
      {hasMore && (
        <Button variant="ghost" size="sm" className="mt-3" loading={loadingMore} onClick={() => void loadMore()}>
          Load more comments
        </Button>
      )}
      {form}
    </Card>
  );
}

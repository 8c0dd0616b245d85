// "Comments": the thread, "Load more" for long ones, and the form for those who may write.
import type { ReactNode } from 'react';
import { Button, Card, Loading } from '@/src/ui/components';
import type { People } from '../people';
import type { Comment } from '../types';
import { CommentList } from './comment-list';

export function CommentsCard({ comments, hasMore, people, onMore, form }: { comments: Comment[] | undefined; hasMore: boolean; people: People; onMore(): void; form?: ReactNode }) {
  return (
    <Card title={`Comments${comments?.length ? ` (${comments.length}${hasMore ? '+' : ''})` : ''}`}>
      {comments === undefined ? <Loading /> : <CommentList comments={comments} people={people} />}
      {hasMore && (
        <Button variant="ghost" size="sm" className="mt-3" onClick={onMore}>
          Load more comments
        </Button>
      )}
      {form}
    </Card>
  );
}

// The ticket's description, rendered markdown, with "Edit ticket" for those who may.
import { Button, Card } from '@/src/ui/components';
import { Markdown } from '@/src/ui/markdown';

export function DescriptionCard({ description, onEdit }: { description: string; onEdit?: () => void }) {
  return (
    <Card
      title="Description"
      footer={
        onEdit ? (
          <Button size="sm" variant="secondary" onClick={onEdit}>
            Edit ticket
          </Button>
        ) : undefined
      }
    >
      {description.trim() ? <Markdown text={description} /> : <p className="text-sm text-slate-500">No description.</p>}
    </Card>
  );
}

// A refused move, said in words, with a dismiss button (the board and the ticket page).
export function RefusalAlert({ text, onDismiss }: { text: string; onDismiss(): void }) {
  return (
    <div role="alert" data-testid="move-error" className="flex items-start justify-between gap-3 rounded-md border border-rose-200 bg-rose-50 px-3.5 py-2.5 text-sm text-rose-800">
      <p className="font-medium">{text}</p>
      <button type="button" onClick={onDismiss} className="shrink-0 rounded px-1 text-rose-600 hover:bg-rose-100" aria-label="Dismiss">
        ✕
      </button>
    </div>
  );
}

import { useEffect, useState } from 'react';
import type { KeapImportProps } from '@/components/history/KeapImport';
import type { NotesImport, NotesImportScope } from '@/lib/audit/import';

type Answer = { ok: true } | { ok: false; error: { message: string } };

/** "Import from Keap" as the popup drives it: the background runs it, storage tells how far it got. */
export interface KeapImporter {
  /** The contact the popup's tab shows, if any. */
  contactOnPage: number | null;
  start(scope: NotesImportScope): Promise<Answer>;
  resume(): Promise<Answer>;
  cancel(): Promise<Answer>;
  /** Calls `onChange` with the stored import now and after every change; returns what stops it. */
  watch(onChange: (progress: NotesImport | null) => void): () => void;
}

/** The import panel's data and callbacks, from `importer`. */
export function useKeapImport(importer: KeapImporter): KeapImportProps {
  const [progress, setProgress] = useState<NotesImport | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => importer.watch(setProgress), [importer]);
  const act = (call: () => Promise<Answer>) => {
    setBusy(true);
    setError(null);
    void call().then((answer) => {
      setBusy(false);
      if (!answer.ok) setError(answer.error.message);
    });
  };
  return {
    progress,
    contactOnPage: importer.contactOnPage,
    busy,
    error,
    onImport: (scope) => act(() => importer.start(scope)),
    onResume: () => act(() => importer.resume()),
    onCancel: () => act(() => importer.cancel()),
  };
}

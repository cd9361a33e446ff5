import { useRef, useState } from 'preact/hooks';
import { useApp } from '../app-context';
import { ErrorNote } from '../components/status';
import { bytes } from '../format';

const ACCEPT = '.txt,.md,.markdown,.jsonl,.csv,.parquet,.gz,.zst,.tar,.tgz,.tzst,.zip';

export function UploadForm(props: { contributorId?: string; onUploaded: (datasetId: string) => void }) {
  const { api } = useApp();
  const fileInput = useRef<HTMLInputElement>(null);
  const [textField, setTextField] = useState('');
  const [progress, setProgress] = useState<{ loaded: number; total: number } | null>(null);
  const [error, setError] = useState<Error | undefined>();
  const [done, setDone] = useState<string | null>(null);
  const [abort, setAbort] = useState<(() => void) | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    const file = fileInput.current?.files?.[0];
    if (!file) {
      setError(new Error('Choose a file first.'));
      fileInput.current?.focus();
      return;
    }
    const form = new FormData();
    if (textField.trim()) form.append('textField', textField.trim());
    if (props.contributorId) form.append('contributorId', props.contributorId);
    // The file goes last: the server streams it and reads the other fields first.
    form.append('file', file, file.name);
    setError(undefined);
    setDone(null);
    setProgress({ loaded: 0, total: file.size });
    const upload = api.upload<{ datasetId: string; status: string }>('/v1/datasets', form, (loaded, total) =>
      setProgress({ loaded, total }),
    );
    setAbort(() => upload.abort);
    try {
      const res = await upload.done;
      setDone(`Uploaded ${file.name}: dataset ${res.datasetId} is ${res.status}.`);
      if (fileInput.current) fileInput.current.value = '';
      props.onUploaded(res.datasetId);
    } catch (err) {
      setError(err as Error);
    } finally {
      setAbort(null);
      setProgress(null);
    }
  };

  const pct = progress && progress.total > 0 ? Math.floor((progress.loaded / progress.total) * 100) : 0;
  return (
    <form class="form" onSubmit={submit} data-testid="upload-form">
      <div class="field">
        <label for="upload-file">
          File (.txt, .md, .jsonl, .csv, .parquet; optionally .gz or .zst; or an archive .tar, .tar.gz, .tgz, .tar.zst, .zip)
        </label>
        <input id="upload-file" ref={fileInput} type="file" accept={ACCEPT} data-testid="upload-file" />
      </div>
      <div class="field">
        <label for="upload-text-field">Text field (for .jsonl and .csv; default "text")</label>
        <input
          id="upload-text-field"
          type="text"
          value={textField}
          placeholder="text"
          onInput={(e) => setTextField((e.target as HTMLInputElement).value)}
        />
      </div>
      <div class="row">
        <button type="submit" disabled={!!progress} data-testid="upload-submit">
          Upload
        </button>
        {abort && (
          <button type="button" class="secondary" onClick={() => abort()}>
            Cancel
          </button>
        )}
      </div>
      {progress && (
        <div class="progress" role="status" aria-live="polite">
          <progress value={pct} max={100} aria-label="Upload progress" data-testid="upload-progress" />
          <span class="small">
            {pct}% ({bytes(progress.loaded)} of {bytes(progress.total)})
          </span>
        </div>
      )}
      <ErrorNote error={error} what="Upload" />
      {done && (
        <p class="ok" role="status" data-testid="upload-done">
          {done}
        </p>
      )}
    </form>
  );
}

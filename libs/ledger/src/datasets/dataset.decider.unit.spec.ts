import { ConflictError, ForbiddenError, IllegalStateError, NotFoundError, ValidationError } from '@1tt/domain-errors';
import { given } from '../testing/given-when-then';
import { RecordDatasetUpload } from './dataset.commands';
import { datasetDecider } from './dataset.decider';
import { DatasetEvent } from './dataset.events';

const now = new Date('2025-03-01T12:00:00.000Z');
const at = now.toISOString();
const sha = 'a'.repeat(64);
const uploadCmd: RecordDatasetUpload = {
  type: 'RecordDatasetUpload',
  data: {
    kind: 'contribution',
    contributorId: 'c1',
    datasetId: 'd1',
    fileName: 'corpus.jsonl.gz',
    format: 'jsonl',
    compression: 'gzip',
    sizeBytes: 1234,
    sha256: sha,
    blobRef: `sha256:${sha}`,
    textField: 'text',
  },
};
const uploaded: DatasetEvent = {
  type: 'DatasetUploaded',
  data: { ...uploadCmd.data, format: 'jsonl', compression: 'gzip', uploadedAt: at } as never,
};
const preprocessData = {
  datasetId: 'd1',
  pipeline: { name: 'default', version: '1', configHash: 'b'.repeat(64) },
  documentsIn: 10,
  documentsKept: 7,
  removed: { 'gopher-quality': 1, 'exact-duplicate': 2 },
  duplicatesOfEarlier: 2,
  manifestRoot: 'c'.repeat(64),
  reportBlobRef: 'sha256:' + 'd'.repeat(64),
};
const preprocessed: DatasetEvent = { type: 'DatasetPreprocessed', data: { ...preprocessData, preprocessedAt: at } };
const counted: DatasetEvent = {
  type: 'DatasetTokensCounted',
  data: { datasetId: 'd1', tokenizer: 'o200k_base', tokens: '5000', countedAt: at },
};
const accepted: DatasetEvent = {
  type: 'DatasetAccepted',
  data: { kind: 'contribution', contributorId: 'c1', datasetId: 'd1', tokens: '5000', acceptedAt: at },
};
const withdrawn: DatasetEvent = {
  type: 'DatasetWithdrawn',
  data: { kind: 'contribution', contributorId: 'c1', datasetId: 'd1', tokens: '5000', withdrawnAt: at },
};
const byOwner = { role: 'contributor' as const, id: 'c1' };

describe('dataset decider', () => {
  it('records an upload by a registered owner', () => {
    given(datasetDecider)
      .when(uploadCmd, { now, ownerRegistered: true })
      .then([{ ...uploaded, data: { ...uploaded.data, licence: 'LicenseRef-1tt-contributor-grant-1', uses: ['training'] } as never }]);
  });
  it('records the licence (canonical SPDX spelling) and uses of an upload; default uses from the contributor’s consent (issue #14)', () => {
    const [e] = given(datasetDecider)
      .when(
        { ...uploadCmd, data: { ...uploadCmd.data, licence: 'cc-by-4.0', uses: ['retrieval', 'training', 'retrieval'] } },
        { now, ownerRegistered: true },
      )
      .then([{ ...uploaded, data: { ...uploaded.data, licence: 'CC-BY-4.0', uses: ['training', 'retrieval'] } as never }]);
    expect(e.type).toBe('DatasetUploaded');
    given(datasetDecider)
      .when(uploadCmd, { now, ownerRegistered: true, defaultUses: ['evaluation'] })
      .then([{ ...uploaded, data: { ...uploaded.data, licence: 'LicenseRef-1tt-contributor-grant-1', uses: ['evaluation'] } as never }]);
    given(datasetDecider)
      .when({ ...uploadCmd, data: { ...uploadCmd.data, licence: 'MIT OR Apache-2.0' } }, { now, ownerRegistered: true })
      .thenThrows(ValidationError, 'licence-unknown');
    given(datasetDecider)
      .when({ ...uploadCmd, data: { ...uploadCmd.data, uses: ['resale'] } }, { now, ownerRegistered: true })
      .thenThrows(ValidationError, 'uses-invalid');
    given(datasetDecider)
      .when({ ...uploadCmd, data: { ...uploadCmd.data, uses: [] } }, { now, ownerRegistered: true })
      .thenThrows(ValidationError, 'uses-invalid');
  });
  it('changes consent of an accepted contribution, owner only; the same uses again record nothing (issue #14)', () => {
    const history = [uploaded, preprocessed, counted, accepted];
    const change = (uses: unknown, requestedBy = byOwner) => ({
      type: 'ChangeDatasetConsent' as const,
      data: { datasetId: 'd1', requestedBy, uses },
    });
    given(datasetDecider, history)
      .when(change(['retrieval']), { now })
      .then([
        {
          type: 'DatasetConsentChanged',
          data: { datasetId: 'd1', contributorId: 'c1', uses: ['retrieval'], previousUses: ['training'], changedAt: at },
        },
      ]);
    given(datasetDecider, history)
      .when(change(['training']), { now })
      .thenNothing();
    given(datasetDecider, history)
      .when(change(['retrieval'], { role: 'contributor', id: 'c2' }), { now })
      .thenThrows(ForbiddenError, 'dataset-not-owner');
    given(datasetDecider, history).when(change('everything'), { now }).thenThrows(ValidationError, 'uses-invalid');
    given(datasetDecider, [uploaded])
      .when(change(['retrieval']), { now })
      .thenThrows(IllegalStateError, 'dataset-uploaded');
    given(datasetDecider, [...history, withdrawn])
      .when(change(['retrieval']), { now })
      .thenThrows(IllegalStateError, 'dataset-withdrawn');
  });
  it('excludes kept documents once, with their tokens and labels from the report; a withdrawal then takes the rest (issue #14)', () => {
    const history = [uploaded, preprocessed, counted, accepted];
    const exclude = (indexes: unknown) => ({ type: 'ExcludeDocuments' as const, data: { datasetId: 'd1', requestedBy: byOwner, indexes } });
    const documents = new Map([
      [3, { kept: true, tokens: 1200, language: 'en', contentClass: 'prose' }],
      [4, { kept: false, tokens: 0 }],
      [5, { kept: true, tokens: 800 }],
    ]);
    const [excluded] = given(datasetDecider, history)
      .when(exclude([5, 3]), { now, documents })
      .then([
        {
          type: 'DatasetDocumentsExcluded',
          data: {
            datasetId: 'd1',
            contributorId: 'c1',
            documents: [
              { index: 3, tokens: 1200, language: 'en', contentClass: 'prose' },
              { index: 5, tokens: 800 },
            ],
            tokens: '2000',
            excludedAt: at,
          },
        },
      ]);
    given(datasetDecider, history)
      .when(exclude([4]), { now, documents })
      .thenThrows(ValidationError, 'exclusion-not-kept');
    given(datasetDecider, history)
      .when(exclude([99]), { now, documents })
      .thenThrows(ValidationError, 'exclusion-not-kept');
    given(datasetDecider, history)
      .when(exclude([3, 3]), { now, documents })
      .thenThrows(ValidationError, 'exclusion-invalid');
    given(datasetDecider, history).when(exclude([]), { now, documents }).thenThrows(ValidationError, 'exclusion-invalid');
    given(datasetDecider, history)
      .when(exclude([-1]), { now, documents })
      .thenThrows(ValidationError, 'exclusion-invalid');
    given(datasetDecider, [...history, excluded])
      .when(exclude([3]), { now, documents })
      .thenThrows(IllegalStateError, 'exclusion-duplicate');
    given(datasetDecider, [...history, excluded])
      .when({ type: 'WithdrawDataset', data: { datasetId: 'd1', requestedBy: byOwner } }, { now })
      .then([{ type: 'DatasetWithdrawn', data: { ...(withdrawn.data as object), tokens: '3000' } as never }]);
  });
  it('records a consumer reference corpus', () => {
    const cmd: RecordDatasetUpload = {
      type: 'RecordDatasetUpload',
      data: { ...uploadCmd.data, kind: 'reference', consumerId: 'k1', contributorId: undefined } as never,
    };
    const [e] = given(datasetDecider)
      .when(cmd, { now, ownerRegistered: true })
      .then([
        {
          type: 'DatasetUploaded',
          data: {
            kind: 'reference',
            consumerId: 'k1',
            datasetId: 'd1',
            fileName: 'corpus.jsonl.gz',
            format: 'jsonl',
            compression: 'gzip',
            sizeBytes: 1234,
            sha256: sha,
            blobRef: `sha256:${sha}`,
            textField: 'text',
            uploadedAt: at,
          },
        },
      ]);
    expect(e.data).not.toHaveProperty('contributorId');
  });
  it('refuses uploads by unknown owners, twice, or with bad fields', () => {
    given(datasetDecider).when(uploadCmd, { now, ownerRegistered: false }).thenThrows(NotFoundError, 'dataset-owner-not-found');
    given(datasetDecider, [uploaded]).when(uploadCmd, { now, ownerRegistered: true }).thenThrows(ConflictError, 'dataset-exists');
    given(datasetDecider)
      .when({ ...uploadCmd, data: { ...uploadCmd.data, format: 'docx' } }, { now, ownerRegistered: true })
      .thenThrows(ValidationError, 'format-unknown');
    given(datasetDecider)
      .when({ ...uploadCmd, data: { ...uploadCmd.data, compression: 'rar' } }, { now, ownerRegistered: true })
      .thenThrows(ValidationError, 'compression-unknown');
    given(datasetDecider)
      .when({ ...uploadCmd, data: { ...uploadCmd.data, sha256: 'xyz' } }, { now, ownerRegistered: true })
      .thenThrows(ValidationError, 'hash-malformed');
    given(datasetDecider)
      .when({ ...uploadCmd, data: { ...uploadCmd.data, sizeBytes: -1 } }, { now, ownerRegistered: true })
      .thenThrows(ValidationError, 'count-invalid');
  });

  it('goes uploaded → preprocessed → tokens counted → accepted', () => {
    given(datasetDecider, [uploaded]).when({ type: 'RecordDatasetPreprocessing', data: preprocessData }, { now }).then([preprocessed]);
    given(datasetDecider, [uploaded, preprocessed])
      .when({ type: 'RecordDatasetTokenCount', data: { datasetId: 'd1', tokenizer: 'o200k_base', tokens: '5000' } }, { now })
      .then([counted]);
    given(datasetDecider, [uploaded, preprocessed, counted])
      .when({ type: 'AcceptDataset', data: { datasetId: 'd1' } }, { now })
      .then([accepted]);
  });
  it('refuses steps out of order', () => {
    given(datasetDecider, [uploaded])
      .when({ type: 'AcceptDataset', data: { datasetId: 'd1' } }, { now })
      .thenThrows(IllegalStateError, 'dataset-uploaded');
    given(datasetDecider, [uploaded])
      .when({ type: 'RecordDatasetTokenCount', data: { datasetId: 'd1', tokenizer: 'o200k_base', tokens: '1' } }, { now })
      .thenThrows(IllegalStateError, 'dataset-uploaded');
    given(datasetDecider, [uploaded, preprocessed])
      .when({ type: 'RecordDatasetPreprocessing', data: preprocessData }, { now })
      .thenThrows(IllegalStateError, 'dataset-preprocessed');
    given(datasetDecider, [uploaded, preprocessed, counted, accepted])
      .when({ type: 'AcceptDataset', data: { datasetId: 'd1' } }, { now })
      .thenThrows(IllegalStateError, 'dataset-accepted');
    given(datasetDecider)
      .when({ type: 'AcceptDataset', data: { datasetId: 'd1' } }, { now })
      .thenThrows(NotFoundError, 'dataset-not-found');
  });
  it('validates preprocessing counts and token counts', () => {
    given(datasetDecider, [uploaded])
      .when({ type: 'RecordDatasetPreprocessing', data: { ...preprocessData, documentsKept: 11 } }, { now })
      .thenThrows(ValidationError, 'document-counts-inconsistent');
    given(datasetDecider, [uploaded])
      .when({ type: 'RecordDatasetPreprocessing', data: { ...preprocessData, manifestRoot: 'nope' } }, { now })
      .thenThrows(ValidationError, 'hash-malformed');
    for (const tokens of ['-1', '1.5', '01', '1e3', '1000000000000000000', ''])
      given(datasetDecider, [uploaded, preprocessed])
        .when({ type: 'RecordDatasetTokenCount', data: { datasetId: 'd1', tokenizer: 'o200k_base', tokens } }, { now })
        .thenThrows(ValidationError, 'tokens-invalid');
  });

  it('rejects before acceptance, not after', () => {
    const rejected: DatasetEvent = {
      type: 'DatasetRejected',
      data: { datasetId: 'd1', reason: 'empty-after-filtering', detail: 'all 10 documents removed', rejectedAt: at },
    };
    for (const past of [[uploaded], [uploaded, preprocessed], [uploaded, preprocessed, counted]])
      given(datasetDecider, past)
        .when(
          { type: 'RejectDataset', data: { datasetId: 'd1', reason: 'empty-after-filtering', detail: 'all 10 documents removed' } },
          { now },
        )
        .then([rejected]);
    given(datasetDecider, [uploaded, preprocessed, counted, accepted])
      .when({ type: 'RejectDataset', data: { datasetId: 'd1', reason: 'x' } }, { now })
      .thenThrows(IllegalStateError, 'dataset-accepted');
    given(datasetDecider, [uploaded, rejected])
      .when({ type: 'RecordDatasetPreprocessing', data: preprocessData }, { now })
      .thenThrows(IllegalStateError, 'dataset-rejected');
  });

  it('lets only the owner withdraw an accepted dataset, once', () => {
    const history = [uploaded, preprocessed, counted, accepted];
    given(datasetDecider, history)
      .when({ type: 'WithdrawDataset', data: { datasetId: 'd1', requestedBy: byOwner } }, { now })
      .then([withdrawn]);
    given(datasetDecider, history)
      .when({ type: 'WithdrawDataset', data: { datasetId: 'd1', requestedBy: byOwner, reason: 'licence ended' } }, { now })
      .then([{ type: 'DatasetWithdrawn', data: { ...(withdrawn.data as object), reason: 'licence ended' } as never }]);
    given(datasetDecider, history)
      .when({ type: 'WithdrawDataset', data: { datasetId: 'd1', requestedBy: { role: 'contributor', id: 'c2' } } }, { now })
      .thenThrows(ForbiddenError, 'dataset-not-owner');
    given(datasetDecider, history)
      .when({ type: 'WithdrawDataset', data: { datasetId: 'd1', requestedBy: { role: 'admin', id: 'c1' } } }, { now })
      .thenThrows(ForbiddenError, 'dataset-not-owner');
    given(datasetDecider, [...history, withdrawn])
      .when({ type: 'WithdrawDataset', data: { datasetId: 'd1', requestedBy: byOwner } }, { now })
      .thenThrows(IllegalStateError, 'dataset-already-withdrawn');
    given(datasetDecider, [uploaded])
      .when({ type: 'WithdrawDataset', data: { datasetId: 'd1', requestedBy: byOwner } }, { now })
      .thenThrows(IllegalStateError, 'dataset-uploaded');
    given(datasetDecider)
      .when({ type: 'WithdrawDataset', data: { datasetId: 'd1', requestedBy: byOwner } }, { now })
      .thenThrows(NotFoundError, 'dataset-not-found');
  });
});

import { Body, Controller, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorOf, assertContributorAccess, type Principal } from '@1tt/access';
import { decideOnStream } from '@1tt/command-path';
import { EventStore } from '@1tt/event-store';
import { assertId, contributorDecider, streamNames, type ContributorConsentSet } from '@1tt/ledger';
import { CurrentPrincipal, Roles } from '../../auth/auth.decorators';
import { ContributorConsentRequest, ContributorConsentResponse } from '../../datasets/dataset-consent.request.dto';
import { Clock } from '../clock';

/**
 * PUT /v1/contributors/{id}/consent (issue #14): the contributor's default
 * consent, the uses a new upload grants when it names none. It changes no
 * dataset already uploaded (PUT /v1/datasets/{id}/consent does that).
 */
@ApiTags('datasets')
@ApiBearerAuth()
@Controller('v1/contributors')
export class ContributorConsentHttpController {
  constructor(
    private readonly events: EventStore,
    private readonly clock: Clock,
  ) {}

  @Put(':id/consent')
  @Roles('contributor')
  @ApiOperation({
    operationId: 'setContributorConsent',
    summary:
      "Set the contributor's default consent (the contributor only): {uses: [training | evaluation | retrieval]}, granted by new uploads that name no uses. Datasets already uploaded keep theirs.",
  })
  @ApiBody({ type: ContributorConsentRequest })
  @ApiOkResponse({ type: ContributorConsentResponse })
  async set(
    @Param('id') id: string,
    @Body() body: ContributorConsentRequest,
    @CurrentPrincipal() by: Principal,
  ): Promise<ContributorConsentResponse> {
    const contributorId = assertId(id, 'id');
    assertContributorAccess(by, contributorId);
    const decision = await decideOnStream(
      this.events,
      streamNames.contributor(contributorId),
      contributorDecider,
      { type: 'SetDefaultConsent', data: { contributorId, uses: body?.uses } },
      { context: () => ({ now: this.clock.now() }), actor: actorOf(by), correlationId: contributorId, attempts: 3 },
    );
    const set = decision.decided[0] as ContributorConsentSet | undefined;
    const state = decision.state;
    return { contributorId, uses: set ? set.data.uses : state.status === 'registered' ? [...(state.defaultUses ?? [])] : [] };
  }
}

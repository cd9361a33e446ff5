import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Principal } from '@1tt/access';
import { ValidationError } from '@1tt/domain-errors';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { RegisterWebhookRequest, UpdateWebhookRequest } from './webhook.request.dto';
import { DeliveryListResponse, DeliveryView, RegisteredWebhookResponse, WebhookListResponse, WebhookView } from './webhook.response.dto';
import { WebhooksService } from './webhooks.service';
import { LocationOf } from '../http/created-location';

const uuid = new ParseUUIDPipe({
  exceptionFactory: () =>
    new ValidationError('webhook-id-invalid', 'The id in the path is not a UUID', {
      field: 'path',
      hint: 'Use the id from POST /v1/webhooks.',
    }),
});

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1/webhooks')
export class WebhooksHttpController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @LocationOf('/v1/webhooks/{webhookId}')
  @Roles('admin', 'contributor', 'consumer')
  @ApiOperation({
    summary: 'Register a webhook (admin; a contributor or consumer for the events it may see). The signing secret is in this answer only.',
    description:
      'Each event of a subscribed type is POSTed as JSON {id, type, position, occurredAt, data} with header ' +
      '`1tt-signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, at least once, in log order; de-duplicate by `id`.',
  })
  @ApiCreatedResponse({ type: RegisteredWebhookResponse })
  register(@Body() body: RegisterWebhookRequest, @CurrentPrincipal() by: Principal): Promise<RegisteredWebhookResponse> {
    return this.webhooks.register(body, by);
  }

  @Get()
  @ApiOperation({ summary: 'Webhooks: all of them for admin and auditor, your own for a contributor or consumer.' })
  @ApiOkResponse({ type: WebhookListResponse })
  list(@CurrentPrincipal() by: Principal): WebhookListResponse {
    return { webhooks: this.webhooks.list(by) };
  }

  @Get(':webhookId')
  @ApiOperation({ summary: 'One webhook with its delivery state (status active | failing | disabled, and why it is failing).' })
  @ApiOkResponse({ type: WebhookView })
  get(@Param('webhookId', uuid) webhookId: string, @CurrentPrincipal() by: Principal): Promise<WebhookView> {
    return this.webhooks.get(webhookId, by);
  }

  @Patch(':webhookId')
  @Roles('admin', 'contributor', 'consumer')
  @ApiOperation({ summary: 'Enable or disable a webhook, change its event types or description (its owner or admin).' })
  @ApiOkResponse({ type: WebhookView })
  update(
    @Param('webhookId', uuid) webhookId: string,
    @Body() body: UpdateWebhookRequest,
    @CurrentPrincipal() by: Principal,
  ): Promise<WebhookView> {
    return this.webhooks.update(webhookId, body, by);
  }

  @Delete(':webhookId')
  @Roles('admin', 'contributor', 'consumer')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a webhook (its owner or admin); its pending deliveries are cancelled.' })
  @ApiNoContentResponse()
  async remove(@Param('webhookId', uuid) webhookId: string, @CurrentPrincipal() by: Principal): Promise<void> {
    await this.webhooks.remove(webhookId, by);
  }

  @Get(':webhookId/deliveries')
  @ApiOperation({
    summary: "A webhook's deliveries, newest first, each with its attempts (status, latency, error, first 1 KiB of the answer).",
  })
  @ApiQuery({ name: 'limit', required: false, description: '1-500, default 50.' })
  @ApiOkResponse({ type: DeliveryListResponse })
  async deliveries(
    @Param('webhookId', uuid) webhookId: string,
    @Query('limit') limit: string | undefined,
    @CurrentPrincipal() by: Principal,
  ): Promise<DeliveryListResponse> {
    let n = 50;
    if (limit !== undefined) {
      if (!/^\d{1,3}$/.test(limit) || Number(limit) < 1 || Number(limit) > 500)
        throw new ValidationError('invalid-limit', 'limit must be a whole number from 1 to 500', { field: 'limit' });
      n = Number(limit);
    }
    return { deliveries: await this.webhooks.deliveries(webhookId, by, n) };
  }

  @Post(':webhookId/deliveries/:deliveryId/retry')
  @Roles('admin', 'contributor', 'consumer')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send a delivery again now, with a fresh retry window (its owner or admin). A pending delivery is left as it is.',
  })
  @ApiAcceptedResponse({ type: DeliveryView })
  retry(
    @Param('webhookId', uuid) webhookId: string,
    @Param('deliveryId', uuid) deliveryId: string,
    @CurrentPrincipal() by: Principal,
  ): Promise<DeliveryView> {
    return this.webhooks.retry(webhookId, deliveryId, by);
  }
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ROLES } from '@1tt/access';

export class WebhookOwnerView {
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiProperty() subjectId!: string;
}

export class WebhookFailureView {
  @ApiProperty({ format: 'date-time' }) since!: string;
  @ApiProperty({ description: 'Why: the last error after the retries ran out, or an address/secret problem.' }) reason!: string;
}

export class WebhookView {
  @ApiProperty() webhookId!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ type: [String] }) eventTypes!: string[];
  @ApiPropertyOptional() description?: string;
  @ApiProperty({ type: WebhookOwnerView }) owner!: WebhookOwnerView;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ enum: ['active', 'failing', 'disabled'] }) status!: string;
  @ApiPropertyOptional({ type: WebhookFailureView }) failing?: WebhookFailureView;
  @ApiPropertyOptional({ description: 'The error of the latest attempt that did not deliver.' }) lastError?: string;
  @ApiPropertyOptional({ format: 'date-time' }) lastDeliveredAt?: string;
  @ApiProperty({ description: 'Deliveries waiting (due or backing off).' }) pendingDeliveries!: number;
  @ApiProperty() registeredBy!: string;
  @ApiProperty({ format: 'date-time' }) registeredAt!: string;
  @ApiProperty({ description: 'Log position of the registration; the webhook receives events after it.' }) registeredPosition!: number;
}

export class RegisteredWebhookResponse extends WebhookView {
  @ApiProperty({ description: 'The signing secret (whsec_…). Shown this once; verify the 1tt-signature header with it.' })
  secret!: string;
}

export class WebhookListResponse {
  @ApiProperty({ type: [WebhookView] }) webhooks!: WebhookView[];
}

export class DeliveryAttemptView {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiPropertyOptional({ description: 'HTTP status of the answer (absent for timeouts, connection errors, refused addresses).' })
  statusCode?: number;
  @ApiProperty() latencyMs!: number;
  @ApiPropertyOptional() error?: string;
  @ApiPropertyOptional({ description: 'The first 1 KiB of the answer.' }) responseBody?: string;
  @ApiProperty({ enum: ['delivered', 'pending', 'failed'], description: 'What the attempt led to.' }) outcome!: string;
}

export class DeliveryView {
  @ApiProperty() deliveryId!: string;
  @ApiProperty() eventId!: string;
  @ApiProperty() eventType!: string;
  @ApiProperty() position!: number;
  @ApiProperty({ enum: ['pending', 'delivered', 'failed', 'cancelled'] }) status!: string;
  @ApiProperty() attemptCount!: number;
  @ApiPropertyOptional({ format: 'date-time' }) nextAttemptAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) completedAt?: string;
  @ApiPropertyOptional() lastStatusCode?: number;
  @ApiPropertyOptional() lastError?: string;
  @ApiPropertyOptional() lastLatencyMs?: number;
  @ApiProperty({ type: [DeliveryAttemptView] }) attempts!: DeliveryAttemptView[];
}

export class DeliveryListResponse {
  @ApiProperty({ type: [DeliveryView], description: 'Newest first.' }) deliveries!: DeliveryView[];
}

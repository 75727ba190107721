import { type ApiResponseSchemaHost } from '@nestjs/swagger';

type SchemaObject = ApiResponseSchemaHost['schema'];

/**
 * The queue's response, as JSON Schema: documented in OpenAPI and used by Fastify to serialise
 * the response, so the two cannot drift apart. Properties not listed here are not sent.
 */
export const QUEUE_ITEM_SCHEMA: SchemaObject = {
  type: 'object',
  required: [
    'incidentId',
    'priority',
    'riskLevel',
    'coded',
    'waitingSeconds',
    'overdue',
    'districtId',
    'address',
    'reasons',
    'source',
    'receivedAt',
  ],
  additionalProperties: false,
  properties: {
    incidentId: { type: 'string', format: 'uuid' },
    priority: { type: 'integer', minimum: 1, maximum: 4 },
    riskLevel: { type: 'string' },
    coded: { type: 'boolean' },
    waitingSeconds: { type: 'integer', minimum: 0 },
    overdue: {
      type: 'boolean',
      description: 'Waited past the policy limit for its priority',
    },
    districtId: { type: 'string', format: 'uuid', nullable: true },
    address: { type: 'string' },
    reasons: { type: 'array', items: { type: 'string' } },
    source: { type: 'string' },
    receivedAt: { type: 'string', format: 'date-time' },
  },
};

export const QUEUE_RESPONSE_SCHEMA: SchemaObject = {
  type: 'array',
  items: QUEUE_ITEM_SCHEMA,
};

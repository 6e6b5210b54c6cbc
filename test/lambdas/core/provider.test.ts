import { parseRfc3339Seconds } from '../../../lambdas/core/provider';
import { NOW } from '../../fixtures/request';

describe('Module: provider', () => {
  describe('Function: parseRfc3339Seconds', () => {
    it.each([
      { case: 'Z', text: '2023-11-14T22:13:20Z', seconds: NOW },
      { case: 'nanoseconds and Z (Twitch)', text: '2023-11-14T22:13:20.634234626Z', seconds: NOW },
      { case: 'a fraction and +00:00 (Box)', text: '2023-11-14T22:13:20.5+00:00', seconds: NOW },
      { case: 'a positive offset', text: '2023-11-15T00:13:20+02:00', seconds: NOW },
      { case: 'a negative offset', text: '2023-11-14T17:13:20-05:00', seconds: NOW },
      { case: 'lower-case t and a negative offset', text: '2023-11-14t14:13:20-08:00', seconds: NOW },
      { case: 'the epoch', text: '1970-01-01T00:00:00Z', seconds: 0 },
      { case: 'a leap day', text: '2024-02-29T00:00:00Z', seconds: 1_709_164_800 },
      { case: '29 February of a common year', text: '2023-02-29T00:00:00Z', seconds: undefined },
      { case: '30 February', text: '2023-02-30T00:00:00Z', seconds: undefined },
      { case: 'month 13', text: '2023-13-01T00:00:00Z', seconds: undefined },
      { case: 'month 00', text: '2023-00-10T00:00:00Z', seconds: undefined },
      { case: 'day 00', text: '2023-11-00T00:00:00Z', seconds: undefined },
      { case: 'hour 24', text: '2023-11-14T24:00:00Z', seconds: undefined },
      { case: 'a leap second', text: '2016-12-31T23:59:60Z', seconds: undefined },
      { case: 'an offset of 24 hours', text: '2023-11-14T22:13:20+24:00', seconds: undefined },
      { case: 'an offset of 60 minutes', text: '2023-11-14T22:13:20+01:60', seconds: undefined },
      { case: 'ten fraction digits', text: '2023-11-14T22:13:20.6342346261Z', seconds: undefined },
      { case: 'no zone', text: '2023-11-14T22:13:20', seconds: undefined },
      { case: 'a space instead of T', text: '2023-11-14 22:13:20Z', seconds: undefined },
      { case: 'a leading space', text: ' 2023-11-14T22:13:20Z', seconds: undefined },
      { case: 'an HTTP date', text: 'Tue, 14 Nov 2023 22:13:20 GMT', seconds: undefined },
      { case: 'a second before the epoch', text: '1969-12-31T23:59:59Z', seconds: undefined },
      { case: 'a two-digit year Date.UTC would read as 1999', text: '0099-01-01T00:00:00Z', seconds: undefined },
    ])('reads $case as $seconds', ({ text, seconds }) => {
      // Act
      const parsed = parseRfc3339Seconds(text);

      // Assess
      expect(parsed).toBe(seconds);
    });
  });
});

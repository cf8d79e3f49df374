"""Security (the portal's MFA Support page), opened from Settings: factors, the phone for text and voice
codes, the authenticator app, and the devices that skip MFA."""

"""azlogin: AWS credentials through Azure AD (Microsoft Entra ID) SAML sign-in."""

__version__ = "0.1.0"

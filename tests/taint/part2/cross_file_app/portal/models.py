"""Plain data holders passed between the routes and the services."""
from dataclasses import dataclass, field


@dataclass
class WebhookConfig:
    name: str
    webhook_url: str
    events: list = field(default_factory=list)


@dataclass
class UserProfile:
    display_name: str
    homepage: str = ""
    bio: str = ""

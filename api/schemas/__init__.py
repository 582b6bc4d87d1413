"""The API's wire shapes: request bodies (strict, `extra="forbid"`) apart from the answers clients read."""

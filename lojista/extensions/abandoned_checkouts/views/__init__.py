"""The extension's pages: the back office's (Orders → Abandoned, a checkout,
results, settings) and the storefront's (the recovery link, unsubscribe)."""

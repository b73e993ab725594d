"""The officials who follow cells (services, selectors, views, exports, indicators) and the
organizations that help especially disadvantaged villages (support_services, support_views,
sharing the selectors, forms and exports)."""

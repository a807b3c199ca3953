"""The CrossGuard pack: the same rules, wrapped for ``pulumi preview --policy-pack policies/crossguard``."""

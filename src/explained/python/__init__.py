"""Python internals, for the 生成器 (generators) and sibling articles."""

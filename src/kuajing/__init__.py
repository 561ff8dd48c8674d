"""kuajing (跨境): source on 1688, sell on AliExpress."""

__version__ = "0.1.0"

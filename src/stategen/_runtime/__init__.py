"""The runtime every generated state library shares byte for byte: policy, engines, codec, CLI."""

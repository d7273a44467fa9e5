'use strict';
// The compiled addon (node-gyp builds it when npm installs this package).
module.exports = require('./build/Release/udp_batch.node');

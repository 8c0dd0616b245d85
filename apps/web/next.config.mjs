// @ts-check
// Plain JavaScript on purpose: Next.js loads a next.config.ts through its native SWC compiler, at every server start
// (the custom server in server.ts too), and that binary stays mapped in the server for its whole life, about 25 MB
// of resident memory for a file of twenty lines (measured, bench/README.md "Memory"). A .mjs file is just imported.
/** @type {import('next').NextConfig} */
const config = {
  reactStrictMode: true,
  poweredByHeader: false,
  transpilePackages: ['@mc/contracts', '@mc/client'],
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'same-origin' },
        ],
      },
    ];
  },
};

export default config;
